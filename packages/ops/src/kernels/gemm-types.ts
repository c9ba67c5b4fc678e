/** The floating-point storage types the GEMM kernels work on. */
export type FloatArray = Float32Array | Float64Array;

/**
 * C[i,j] (+)= alpha · sum_p A[i,p]·B[p,j] for each batch item t, where
 * A[i,p] = a[aOffsets[t] + i*aRowStride + p*aColStride],
 * B[p,j] = b[bOffsets[t] + p*bRowStride + j*bColStride],
 * C[i,j] = c[cOffsets[t] + i*cRowStride + j].
 * Strides may be 0 (a broadcast dimension) and transposed operands are just swapped strides.
 * Items run in order, so equal cOffsets with `accumulate` sum the products over the batch.
 */
export interface GemmArgs<T extends FloatArray> {
  /** Rows of A and C. */
  m: number;
  /** Columns of B and C. */
  n: number;
  /** Inner dimension: columns of A, rows of B. */
  k: number;
  /** Storage of the left operand A (m, k). */
  a: T;
  /** Elements between A[i, p] and A[i+1, p] (0 broadcasts one row). */
  aRowStride: number;
  /** Elements between A[i, p] and A[i, p+1]; 1 for row-major A; a transposed view swaps the two strides. */
  aColStride: number;
  /** Storage of the right operand B (k, n). */
  b: T;
  /** Elements between B[p, j] and B[p+1, j]. */
  bRowStride: number;
  /** Elements between B[p, j] and B[p, j+1]; 1 for row-major B. */
  bColStride: number;
  /** Storage of the result C (m, n); its rows are contiguous. */
  c: T;
  /** Elements between C[i, j] and C[i+1, j]; at least n so rows do not overlap. */
  cRowStride: number;
  /** Number of products; default 1. */
  batch?: number;
  /** One start offset per batch item into `a`; default 0 for every item. Equal offsets broadcast. */
  aOffsets?: ArrayLike<number>;
  /** One start offset per batch item into `b`; default 0 for every item. */
  bOffsets?: ArrayLike<number>;
  /** One start offset per batch item into `c`; default 0 for every item. */
  cOffsets?: ArrayLike<number>;
  /** C += alpha·A·B instead of C = alpha·A·B. */
  accumulate?: boolean;
  /** Scales A·B; default 1. */
  alpha?: number;
}

/** Which implementation `gemm` runs for float32 operands. */
export type GemmBackend = 'wasm-relaxed-simd' | 'wasm-simd' | 'typescript';

/** Offset of batch item `t`: the item's entry, or 0 when no offsets were given. */
export function offsetAt(offsets: ArrayLike<number> | undefined, t: number): number {
  return offsets === undefined ? 0 : offsets[t];
}

function isSize(x: number): boolean {
  return Number.isInteger(x) && x >= 0;
}

/**
 * Checks one operand's offsets against its buffer: every item's last element,
 * offset + (rows-1)·rs + (cols-1)·cs, must lie inside the array.
 */
function checkOperand(
  name: 'a' | 'b' | 'c', array: FloatArray, offsets: ArrayLike<number> | undefined,
  batch: number, rows: number, cols: number, rs: number, cs: number,
): void {
  if (offsets !== undefined && offsets.length < batch) {
    throw new Error(`gemm: ${name}Offsets has ${offsets.length} entries, batch is ${batch}`);
  }
  if (rows === 0 || cols === 0) return;
  const extent = (rows - 1) * rs + (cols - 1) * cs;
  for (let t = 0; t < batch; t++) {
    const o = offsetAt(offsets, t);
    if (!isSize(o) || o + extent >= array.length) {
      throw new Error(
        `gemm: ${name} item ${t} out of range: offset ${o} + extent ${extent} ` +
        `for a [${rows},${cols}] view with strides [${rs},${cs}] in an array of length ${array.length}`,
      );
    }
  }
}

/**
 * Validates `args` cheaply (O(batch)) and returns the batch size. Throws an Error naming
 * `gemm`, the argument and its values on negative or fractional sizes and strides, mixed
 * array types, overlapping C rows, and offsets whose views leave their arrays.
 */
export function checkGemmArgs<T extends FloatArray>(args: GemmArgs<T>): number {
  const { m, n, k, a, b, c } = args;
  const batch = args.batch ?? 1;
  if (!isSize(m) || !isSize(n) || !isSize(k) || !isSize(batch)) {
    throw new Error(`gemm: sizes must be non-negative integers, got m=${m} n=${n} k=${k} batch=${batch}`);
  }
  const strides = [args.aRowStride, args.aColStride, args.bRowStride, args.bColStride, args.cRowStride];
  if (!strides.every(isSize)) {
    throw new Error(
      `gemm: strides must be non-negative integers, got a [${args.aRowStride},${args.aColStride}] ` +
      `b [${args.bRowStride},${args.bColStride}] c [${args.cRowStride},1]`,
    );
  }
  const type = c.constructor;
  if (a.constructor !== type || b.constructor !== type) {
    throw new Error(`gemm: a, b and c must share one array type, got ${a.constructor.name}, ${b.constructor.name}, ${c.constructor.name}`);
  }
  if (m > 1 && args.cRowStride < n) {
    throw new Error(`gemm: cRowStride ${args.cRowStride} < n ${n} would overlap the rows of C`);
  }
  checkOperand('a', a, args.aOffsets, batch, m, k, args.aRowStride, args.aColStride);
  checkOperand('b', b, args.bOffsets, batch, k, n, args.bRowStride, args.bColStride);
  checkOperand('c', c, args.cOffsets, batch, m, n, args.cRowStride, 1);
  return batch;
}

/** C = 0, or C unchanged with `accumulate`: the result of an empty (k = 0) product. */
export function clearGemmOutput<T extends FloatArray>(args: GemmArgs<T>, batch: number): void {
  if (args.accumulate) return;
  const { m, n, c, cRowStride } = args;
  for (let t = 0; t < batch; t++) {
    const o = offsetAt(args.cOffsets, t);
    for (let i = 0; i < m; i++) c.fill(0, o + i * cRowStride, o + i * cRowStride + n);
  }
}
