// Shared helpers for the GEMM tests: a seeded PRNG, random operands in any layout (transposed,
// padded, offset, batched, broadcast), and a comparison against gemmReference with a tolerance
// relative to sum_p |alpha·A[i,p]·B[p,j]| (+ |C| when accumulating).
import { gemmReference } from '../../src/kernels/gemm-reference.js';
import type { FloatArray, GemmArgs } from '../../src/kernels/gemm-types.js';

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type ArrayType = Float32ArrayConstructor | Float64ArrayConstructor;

export interface CaseSpec {
  m: number; n: number; k: number;
  transA?: boolean; transB?: boolean;
  batch?: number;
  /** Every batch item reads the same A (resp. B): equal offsets. */
  broadcastA?: boolean; broadcastB?: boolean;
  /** Extra elements after each row (column, when transposed) of every operand. */
  pad?: number;
  accumulate?: boolean;
  alpha?: number;
}

/** One operand: rows x cols per item, stored transposed or not, with padding between lines. */
function operand(
  Arr: ArrayType, rng: () => number, rows: number, cols: number, trans: boolean, pad: number,
  batch: number, broadcast: boolean,
): { data: FloatArray; rs: number; cs: number; offsets: number[] } {
  const line = (trans ? rows : cols) + pad;
  const itemSize = (trans ? cols : rows) * line + 3;
  const items = broadcast ? 1 : batch;
  const base = 5;
  const data = new Arr(base + items * itemSize);
  for (let i = 0; i < data.length; i++) data[i] = rng() * 2 - 1;
  const offsets = Array.from({ length: batch }, (_, t) => base + (broadcast ? 0 : t) * itemSize);
  return { data, rs: trans ? 1 : line, cs: trans ? line : 1, offsets };
}

/** Random operands for `spec`; C is pre-filled with random values (kept by `accumulate`). */
export function makeCase(Arr: ArrayType, seed: number, spec: CaseSpec): GemmArgs<FloatArray> {
  const rng = mulberry32(seed);
  const { m, n, k } = spec;
  const batch = spec.batch ?? 1;
  const pad = spec.pad ?? 0;
  const A = operand(Arr, rng, m, k, spec.transA ?? false, pad, batch, spec.broadcastA ?? false);
  const B = operand(Arr, rng, k, n, spec.transB ?? false, pad, batch, spec.broadcastB ?? false);
  const C = operand(Arr, rng, m, n, false, pad, batch, false);
  return {
    m, n, k,
    a: A.data, aRowStride: A.rs, aColStride: A.cs,
    b: B.data, bRowStride: B.rs, bColStride: B.cs,
    c: C.data, cRowStride: C.rs,
    batch, aOffsets: A.offsets, bOffsets: B.offsets, cOffsets: C.offsets,
    accumulate: spec.accumulate ?? false,
    alpha: spec.alpha ?? 1,
  };
}

function absArray(x: FloatArray): FloatArray {
  return x.map(Math.abs);
}

/**
 * Runs `run` and gemmReference on copies of C and returns the largest error relative to the
 * error scale of each element: |alpha|·sum_p |A[i,p]||B[p,j]| (+ |C_before| with accumulate)
 * plus a tiny absolute floor. Elements of C outside the product (padding) must stay unchanged;
 * a change there returns Infinity.
 */
export function relativeError(run: (args: GemmArgs<FloatArray>) => void, args: GemmArgs<FloatArray>): number {
  const before = args.c.slice();
  const expected = args.c.slice();
  gemmReference({ ...args, c: expected });
  const scale = absArray(args.c);
  gemmReference({
    ...args, a: absArray(args.a), b: absArray(args.b), c: scale,
    alpha: Math.abs(args.alpha ?? 1), accumulate: args.accumulate,
  });
  run(args);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const touched = expected[i] !== before[i] || scale[i] !== Math.abs(before[i]);
    const err = Math.abs(args.c[i] - expected[i]);
    if (!touched && err !== 0) return Infinity;
    worst = Math.max(worst, err / (scale[i] + 1e-30));
  }
  return worst;
}

/**
 * The layouts every fast path must reproduce: ragged sizes that are not multiples of any block
 * (the wasm kernel's 5x8 tile, 256-deep and 16384-value blocks; the TypeScript kernel's 4x4
 * tile, 128 x 256 x 1024 blocks), all four transpose combinations via strides, padded lines,
 * batches with broadcast operands, accumulate and alpha.
 */
export function standardCases(seed: number): [string, CaseSpec][] {
  const rng = mulberry32(seed);
  const sizes = [1, 3, 17, 65, 129];
  const pick = (): number => sizes[Math.floor(rng() * sizes.length)];
  const cases: [string, CaseSpec][] = [];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (let r = 0; r < 6; r++) {
        const spec = { m: pick(), n: pick(), k: pick(), transA, transB, pad: r % 2 };
        cases.push([`${spec.m}x${spec.n}x${spec.k} transA=${transA} transB=${transB} pad=${spec.pad}`, spec]);
      }
    }
  }
  cases.push(
    ['1x1x1', { m: 1, n: 1, k: 1 }],
    ['deep k crosses the 256 block', { m: 13, n: 21, k: 300, transB: true }],
    ['tall m crosses the row blocks', { m: 203, n: 9, k: 259, transA: true }],
    ['wide n crosses the column blocks', { m: 3, n: 2070, k: 5, pad: 2 }],
    ['batch, A broadcast', { m: 17, n: 11, k: 7, batch: 3, broadcastA: true }],
    ['batch, B broadcast, transposed', { m: 9, n: 33, k: 20, batch: 4, broadcastB: true, transB: true }],
    ['Q·Kᵀ shape (64x16 · 16x64, 16 items)', { m: 64, n: 64, k: 16, batch: 16, transB: true }],
    ['P·V shape (64x64 · 64x16, 16 items)', { m: 64, n: 16, k: 64, batch: 16 }],
    ['accumulate', { m: 19, n: 23, k: 31, accumulate: true }],
    ['alpha', { m: 30, n: 40, k: 50, alpha: -0.375, transA: true }],
    ['accumulate + alpha + batch + pad', { m: 7, n: 66, k: 129, batch: 2, accumulate: true, alpha: 2.5, pad: 3 }],
  );
  return cases;
}
