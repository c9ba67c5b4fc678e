export { parseSafetensors } from './parse.js';
export { serializeSafetensors } from './serialize.js';
export { SafetensorsError } from './errors.js';
export type { RawTensor, RawTensorDType, SafetensorsDType } from './dtypes.js';
