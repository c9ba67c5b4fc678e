export { Module, type AnyModule, type BufferOptions } from './module.js';
export { ModuleList, type TensorModule } from './module-list.js';
export { Sequential } from './sequential.js';
export { parameter, isParameter } from './parameter.js';
export { StateDictError, type StateDict, type LoadStateDictOptions, type LoadStateDictResult } from './state-dict.js';
