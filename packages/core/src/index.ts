/**
 * @tsgrad/core: the Tensor, its autograd engine, the op registry, factories and RNG.
 * Importing this module also installs the core ops (arithmetic, sum, views, casts, in-place)
 * as chained Tensor methods.
 */
export * from './tensor.js';
export { Storage } from './storage.js';
export {
  type DType,
  type FloatDType,
  type TypedArray,
  type TypedArrayFor,
  allocate,
  allocateUninitialized,
  assertFloat,
  castScalar,
  dtypeOfArray,
  isFloat,
  promoteTypes,
  promoteWithScalar,
} from './dtype.js';
export { TsgradError, ShapeError, DTypeError, AutogradError, ArgumentError, fmtShape } from './errors.js';
export {
  type Shape,
  broadcastAll,
  broadcastShapes,
  broadcastStrides,
  canBroadcastTo,
  checkNormalizedDim,
  checkNormalizedDims,
  checkShape,
  contiguousStrides,
  inferShape,
  normalizeDim,
  normalizeDims,
  shapeSize,
  shapesEqual,
} from './shape.js';
export { isGradEnabled, noGrad, enableGrad, setGradEnabled } from './grad-mode.js';
export { Generator, type GeneratorState, defaultGenerator, manualSeed } from './random.js';
export {
  type TensorOptions,
  type RandomOptions,
  type NestedData,
  tensor,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  fullLike,
  arange,
  eye,
  rand,
  randn,
  randint,
  randLike,
  randnLike,
} from './factories.js';
export {
  defineOp,
  registerMethod,
  registeredOps,
  type Op,
  type OpDefinition,
  type BackwardContext,
  type ForwardResult,
} from './registry.js';
export { setOpTimer, type OpPhase, type OpTimer } from './op-timer.js';
export { Node, type SavedTensor } from './autograd/node.js';
export { grad, type GradOptions } from './autograd/engine.js';
export { add, sub, mul, div, neg } from './ops/arithmetic.js';
export { sum, sumToShape } from './ops/sum.js';
export { cast } from './ops/cast.js';
export {
  reshape,
  view,
  expand,
  permute,
  transpose,
  unsqueeze,
  squeeze,
  slice,
  narrow,
  contiguous,
  clone,
} from './ops/views.js';
export { add_, sub_, mul_, div_, fill_, zero_, copy_, checkInPlace, markModified } from './ops/inplace.js';
export { resultType, scalarTensor, asTensors, type TensorOrScalar } from './ops/scalar.js';
export {
  mapUnary,
  mapBinary,
  updateInPlace,
  assignRow,
  setFloat32RowsKernel,
  type UnaryRow,
  type BinaryRow,
  type Float32RowsKernel,
  type Float32RowsOp,
} from './kernels/elementwise.js';
export { reductionLayout, type ReductionLayout } from './kernels/reduce.js';
export {
  coalesceDims,
  forEachRow,
  copyStrided,
  setFloat32CopyKernel,
  type Float32CopyKernel,
} from './kernels/strided.js';
