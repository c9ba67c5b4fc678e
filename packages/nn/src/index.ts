/**
 * @tsgrad/nn: attention, modules and layers, losses, optimizers, schedules, gradcheck and
 * safetensors checkpoints. Browser-safe; file helpers live in `@tsgrad/nn/node`.
 */
export * from './safetensors/index.js';
export * from './optim/index.js';
