import type { TypedArray } from './dtype.js';

/**
 * The typed array behind a tensor and every view of it, with the version counter that
 * in-place ops bump: autograd compares it against the version it saved.
 */
export class Storage {
  /** Incremented by every in-place write to this storage. */
  version = 0;

  /** Wraps `data` without copying. */
  constructor(readonly data: TypedArray) {}
}
