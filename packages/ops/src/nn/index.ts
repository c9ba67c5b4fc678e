/** Neural-network building blocks: softmax, masking, dropout. */
export { softmax, logSoftmax } from './softmax.js';
export { maskedFill } from './masked-fill.js';
export { dropout, type DropoutOptions } from './dropout.js';
