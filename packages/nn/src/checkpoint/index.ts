export { toRawTensor, fromRawTensor, toRawTensors, fromRawTensors } from './raw-tensors.js';
export { serializeModule, loadModuleBytes, CheckpointError } from './module-checkpoint.js';
export { serializeOptimizer, loadOptimizerBytes } from './optimizer-checkpoint.js';
