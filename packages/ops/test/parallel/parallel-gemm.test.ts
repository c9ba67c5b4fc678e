import { gemm, gemmBackend } from '../../src/kernels/gemm.js';
import { checkGemmArgs, type FloatArray, type GemmArgs } from '../../src/kernels/gemm-types.js';
import { gemmWasm, loadWasmKernel } from '../../src/kernels/gemm-wasm.js';
import { disableWorkerPool, enableWorkerPool } from '../../src/node/index.js';
import { parallelBackend } from '../../src/parallel/parallel-backend.js';
import { makeCase, relativeError, standardCases, type CaseSpec } from '../kernels/gemm-fixtures.js';

// The pooled GEMM must give exactly what the single-threaded WebAssembly kernel gives (each
// element is computed the same way whichever rows or items a thread takes), on every layout
// the GEMM tests use, and decline only the splits it cannot make safely.

function singleThreaded(args: GemmArgs<Float32Array>): void {
  const kernel = loadWasmKernel(gemmBackend() === 'wasm-relaxed-simd' ? 'relaxed-simd' : 'simd');
  if (kernel === null || !gemmWasm(kernel, args, checkGemmArgs(args))) throw new Error('no wasm gemm here');
}

/** Expects `actual` to hold exactly the bits of `expected` (faster than toEqual on large arrays). */
function expectSameBits(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const bytes = (x: Float32Array): Uint8Array => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  expect(Buffer.compare(bytes(actual), bytes(expected))).toBe(0);
}

/** Runs `args` on the pool (expecting it to take the call) and single-threaded; returns both C. */
function both(args: GemmArgs<Float32Array>, expectTaken = true): [Float32Array, Float32Array] {
  const expected = args.c.slice();
  singleThreaded({ ...args, c: expected });
  const pooled = args.c.slice();
  const taken = (parallelBackend() as NonNullable<ReturnType<typeof parallelBackend>>).gemm({ ...args, c: pooled }, checkGemmArgs(args));
  expect(taken).toBe(expectTaken);
  return [pooled, expected];
}

beforeAll(async () => {
  expect(await enableWorkerPool({ threads: 3, minGemmMacs: 0 })).toBe(3);
});

afterAll(async () => {
  await disableWorkerPool();
});

const poolCases: [string, CaseSpec][] = [
  ...standardCases(7).filter(([, s]) => s.m >= 10 || (s.batch ?? 1) >= 3),
  ['square 130, ragged for 3 threads', { m: 130, n: 130, k: 130 }],
  ['narrow n < 48 (compact A panels), deep k', { m: 101, n: 20, k: 513 }],
  ['rows split of a batch writing one shared C with accumulate', { m: 40, n: 50, k: 30, batch: 5, accumulate: true, broadcastB: true }],
  ['items split, A transposed, B broadcast', { m: 6, n: 70, k: 40, batch: 9, transA: true, broadcastB: true }],
  // Wider than tall: column bands (m < 10 rows could not be split in row bands at all).
  ['column bands, A transposed as in Xᵀ·dY, ragged n', { m: 9, n: 203, k: 300, transA: true }],
  ['column bands, B transposed, n just over the split', { m: 40, n: 49, k: 70, transB: true }],
  ['column bands through a batch writing one shared C', { m: 7, n: 90, k: 20, batch: 3, accumulate: true, broadcastB: true }],
];

describe.each(poolCases)('pooled gemm: %s', (_name, spec) => {
  test('bit-identical to one thread and within float32 tolerance of the reference', () => {
    const args = makeCase(Float32Array, 3, spec) as GemmArgs<Float32Array>;
    const [pooled, expected] = both(args);
    expectSameBits(pooled, expected);
    expect(relativeError((g) => gemm(g), args as GemmArgs<FloatArray>)).toBeLessThan(1e-5);
  });
});

// Every item writes the same block (all cOffsets equal): C = initial C + Σ_t A_t · B_t, which
// the split must accumulate item by item in order, by row bands and by column bands alike.
test.each([
  ['row bands', 9, { m: 33, n: 20, k: 12, batch: 4, accumulate: true }, 5],
  ['column bands', 10, { m: 6, n: 75, k: 12, batch: 4, accumulate: true }, 3],
] as [string, number, CaseSpec, number][])('a batch writing one C accumulates every item in order, by %s', (_name, seed, spec, offset) => {
  const base = makeCase(Float32Array, seed, spec);
  const args = { ...base, cOffsets: new Array<number>(spec.batch!).fill(offset) } as GemmArgs<Float32Array>;
  const [pooled, expected] = both(args);
  expectSameBits(pooled, expected);
  expect(pooled).not.toEqual(args.c);
});

test.each([
  ['items', { m: 6, n: 9, k: 4, batch: 5000 }],
  ['row bands over items accumulating into one C', { m: 20, n: 9, k: 4, batch: 5000, accumulate: true, broadcastA: true }],
] as [string, CaseSpec][])('more items than one pool job holds calls for, by %s', (name, spec) => {
  const base = makeCase(Float32Array, 12, spec) as GemmArgs<Float32Array>;
  const args = name === 'items' ? base : { ...base, cOffsets: new Array<number>(5000).fill(5) };
  const [pooled, expected] = both(args);
  expectSameBits(pooled, expected);
});

test('declines items whose C blocks partly overlap, and gemm() still runs them right', () => {
  const base = makeCase(Float32Array, 4, { m: 12, n: 8, k: 50, batch: 2 }) as GemmArgs<Float32Array>;
  // Item 1 starts one row below item 0: the blocks overlap without coinciding.
  const args = { ...base, cOffsets: [5, 5 + base.cRowStride] };
  const [pooled, expected] = both(args, false);
  expect(pooled).toEqual(args.c);
  const viaGemm = args.c.slice();
  gemm({ ...args, c: viaGemm });
  expectSameBits(viaGemm, expected);
});

test('declines products too small to share: one row band, a single short item', () => {
  const args = makeCase(Float32Array, 5, { m: 9, n: 40, k: 40 }) as GemmArgs<Float32Array>;
  both(args, false);
});

test('gemm() dispatches to the pool and matches the single-threaded result exactly', () => {
  const args = makeCase(Float32Array, 6, { m: 257, n: 129, k: 300, transB: true }) as GemmArgs<Float32Array>;
  const expected = args.c.slice();
  singleThreaded({ ...args, c: expected });
  gemm(args);
  expectSameBits(args.c, expected);
});

test('a large product grows the shared memory and still matches', () => {
  const args = makeCase(Float32Array, 8, { m: 700, n: 600, k: 500 }) as GemmArgs<Float32Array>;
  const [pooled, expected] = both(args);
  expectSameBits(pooled, expected);
});
