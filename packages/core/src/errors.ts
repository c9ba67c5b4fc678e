/**
 * Base class of every error tsgrad raises on purpose. Messages start with the op or function
 * name and name the argument and the shapes or values involved, e.g.
 * `matmul: inner dimensions differ: [2,3] @ [4,5]`.
 */
export class TsgradError extends Error {
  override name = 'TsgradError';
}

/** Shapes that do not fit together: broadcasting, reshape, matmul dimensions, ... */
export class ShapeError extends TsgradError {
  override name = 'ShapeError';
}

/** A dtype an op cannot take (e.g. `log` of a bool tensor) or cannot mix. */
export class DTypeError extends TsgradError {
  override name = 'DTypeError';
}

/** Misuse of autograd: second backward through a freed graph, modified saved tensors, ... */
export class AutogradError extends TsgradError {
  override name = 'AutogradError';
}

/** A bad non-tensor argument: out-of-range dim, negative size, unknown option value, ... */
export class ArgumentError extends TsgradError {
  override name = 'ArgumentError';
}

/** Formats a shape the way error messages print it: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
