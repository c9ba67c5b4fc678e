/**
 * @tsgrad/nn: attention, modules and layers, losses, optimizers, schedules, gradcheck and
 * safetensors checkpoints. Browser-safe; file helpers live in `@tsgrad/nn/node`.
 */
export * from './module/index.js';
export * from './layers/index.js';
export * from './functional/index.js';
export * from './attention/index.js';
export * from './models/index.js';
export * from './optim/index.js';
export * from './gradcheck/index.js';
export * from './safetensors/index.js';
export * from './checkpoint/index.js';
