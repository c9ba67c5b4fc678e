import { ATTENTION_WASM_SIMD } from '../../src/kernels/wasm/attention-f32-wasm.generated.js';
import { disableWorkerPool, enableWorkerPool, workerPoolThreads } from '../../src/node/index.js';
import { spawnNodeWorker } from '../../src/node/worker-pool.js';
import type { GemmArgs } from '../../src/kernels/gemm-types.js';
import { parallelBackend, type ParallelBackend } from '../../src/parallel/parallel-backend.js';
import { DEFAULT_MIN_GEMM_MACS, startPoolBackend } from '../../src/parallel/pool-backend.js';
import { FN } from '../../src/parallel/pool-protocol.js';
import { ThreadPool } from '../../src/parallel/thread-pool.js';

// Lifecycle of the Node worker pool, and the thread pool's protocol: calls run on the thread
// they are queued on, a failing call surfaces as an Error on the calling thread, and the pool
// keeps working afterwards.

afterEach(async () => {
  await disableWorkerPool();
});

test('off by default; enable installs a backend, disable removes it at once', async () => {
  expect(parallelBackend()).toBeNull();
  expect(workerPoolThreads()).toBe(1);
  expect(await enableWorkerPool({ threads: 2 })).toBe(2);
  expect(parallelBackend()?.threads).toBe(2);
  expect(workerPoolThreads()).toBe(2);
  const stopped = disableWorkerPool();
  expect(parallelBackend()).toBeNull();
  await stopped;
  expect(workerPoolThreads()).toBe(1);
});

test('the default size gates decline small products and take large ones', async () => {
  await enableWorkerPool({ threads: 2 });
  const backend = parallelBackend() as ParallelBackend;
  const product = (s: number): GemmArgs<Float32Array> => ({
    m: s, n: s, k: s, a: new Float32Array(s * s).fill(1), aRowStride: s, aColStride: 1,
    b: new Float32Array(s * s).fill(2), bRowStride: s, bColStride: 1, c: new Float32Array(s * s), cRowStride: s,
  });
  expect(DEFAULT_MIN_GEMM_MACS).toBe(2 ** 20);
  expect(backend.gemm(product(64), 1)).toBe(false);
  const large = product(128);
  expect(backend.gemm(large, 1)).toBe(true);
  expect(large.c.every((x) => x === 256)).toBe(true);
});

test('enabling again replaces the pool; overlapping calls settle on the last one', async () => {
  await enableWorkerPool({ threads: 2 });
  const first = parallelBackend();
  await Promise.all([enableWorkerPool({ threads: 2 }), enableWorkerPool({ threads: 3 })]);
  expect(workerPoolThreads()).toBe(3);
  expect(parallelBackend()).not.toBe(first);
  expect(await enableWorkerPool({ threads: 1 })).toBe(1);
  expect(parallelBackend()).toBeNull();
});

test('bad options are refused with the function and option named', async () => {
  await expect(enableWorkerPool({ threads: 0 })).rejects.toThrow('enableWorkerPool: threads must be a positive integer, got 0');
  await expect(enableWorkerPool({ threads: 2.5 })).rejects.toThrow('threads must be a positive integer, got 2.5');
  await expect(enableWorkerPool({ threads: 2, minGemmMacs: -1 })).rejects.toThrow('startPoolBackend: minGemmMacs must be a non-negative number, got -1');
  await expect(startPoolBackend(spawnNodeWorker, { threads: 1 })).rejects.toThrow('startPoolBackend: threads must be an integer >= 2, got 1');
  expect(parallelBackend()).toBeNull();
});

describe('ThreadPool', () => {
  const bytes = Uint8Array.from(atob(ATTENTION_WASM_SIMD), (ch) => ch.charCodeAt(0));
  let pool: ThreadPool;
  let f32: () => Float32Array;
  const base = 1 << 16;

  beforeAll(async () => {
    pool = await ThreadPool.start(spawnNodeWorker, { threads: 2, binaries: { attention: bytes }, spinMicros: 50 });
    const memory = (pool.exports.attention as { memory: WebAssembly.Memory }).memory;
    memory.grow(256);
    f32 = () => new Float32Array(memory.buffer);
  });

  afterAll(async () => {
    await pool.close();
  });

  test('every group of a job runs once, on whichever thread claims it, workers included', () => {
    // Group g: a busy call (row dots over 2000 rows of 64 floats, ~0.1 ms) and a marker call
    // that stores [g, 1] · [1, 1] = g + 1 into its own slot. 400 groups keep both threads busy.
    const data = f32();
    const marks = base + 8192;
    for (let g = 0; g < 400; g++) {
      data.set([g, 1, 1, 1], (base + g * 16) / 4);
      data[marks / 4 + g] = 0;
      pool.group();
      pool.call(FN.rowDots, 1 << 20, 1 << 20, (2 << 20) + g * 8000, 2000, 64);
      pool.call(FN.rowDots, base + g * 16, base + g * 16 + 8, marks + g * 4, 1, 2);
    }
    const before = pool.groupsRun();
    pool.run();
    const after = pool.groupsRun();
    const out = f32();
    for (let g = 0; g < 400; g++) expect(out[marks / 4 + g]).toBe(g + 1);
    expect(after[0] - before[0] + after[1] - before[1]).toBe(400);
    expect(after[1] - before[1]).toBeGreaterThan(0);
  });

  test('the calls of one group run in order on one thread', () => {
    // Each call stores [1, x] · [1, 1] = x + 1 over x: after N calls in order x = N.
    f32().set([1, 0, 1, 1], base / 4);
    pool.group();
    for (let i = 0; i < 4000; i++) pool.call(FN.rowDots, base, base + 8, base + 4, 1, 2);
    pool.run();
    expect(f32()[base / 4 + 1]).toBe(4000);
  });

  test('a trap throws on the caller, and the pool keeps working', () => {
    // pack() zero-fills its destination first: 2^31 is far outside the memory.
    for (let g = 0; g < 8; g++) {
      pool.group();
      pool.call(FN.pack, 0, 2 ** 31, 1, 1, 1, 1, 1);
    }
    expect(() => pool.run()).toThrow(/memory access out of bounds/);
    f32().set([1, 6, 1, 1], base / 4);
    pool.group();
    pool.call(FN.rowDots, base, base + 8, base + 4, 1, 2);
    pool.run();
    expect(f32()[base / 4 + 1]).toBe(7);
  });

  test('refuses a call outside a group and more calls than a job holds', () => {
    expect(() => pool.call(FN.rowDots, 0, 0, 0, 0, 0)).toThrow('thread pool: call() before group()');
    pool.group();
    const room = pool.room;
    for (let i = 0; i < room; i++) pool.call(FN.rowDots, base, base, base + 32, 0, 0);
    expect(() => pool.call(FN.rowDots, base, base, base + 32, 0, 0)).toThrow(/a job holds at most \d+ calls/);
    pool.run();
    expect(pool.room).toBe(room);
  });
});

test('ThreadPool.start refuses fewer than two threads', async () => {
  await expect(ThreadPool.start(spawnNodeWorker, { threads: 1, binaries: {}, spinMicros: 0 })).rejects.toThrow(
    'ThreadPool.start: threads must be an integer >= 2, got 1',
  );
});
