import { resolveObjectURL } from 'node:buffer';
import { Worker as NodeWorker } from 'node:worker_threads';
import { attentionBackwardWasm, attentionForwardWasm } from '../../src/kernels/attention.js';
import { gemmBackend } from '../../src/kernels/gemm.js';
import { checkGemmArgs, type GemmArgs } from '../../src/kernels/gemm-types.js';
import { gemmWasm, loadWasmKernel } from '../../src/kernels/gemm-wasm.js';
import { disableWebWorkerPool, enableWebWorkerPool, webWorkerPoolThreads } from '../../src/index.js';
import { parallelBackend, type ParallelBackend } from '../../src/parallel/parallel-backend.js';
import { CONTROL, CONTROL_STRIDE, type WorkerInit } from '../../src/parallel/pool-protocol.js';
import { makeCase as makeAttentionCase, makeRng, randomArray, toFloat32 } from '../kernels/attention-fixtures.js';
import { makeCase as makeGemmCase } from '../kernels/gemm-fixtures.js';

// jest runs in Node, which has no Web Worker: FakeWebWorker emulates one on worker_threads. It
// loads the script from the Blob URL it is given (as a browser does) and runs it behind a shim
// mapping `self.onmessage` / `self.postMessage` to the parent port, so the real
// WEB_WORKER_SOURCE runs. A main thread where Atomics.wait throws, as in a browser, is
// simulated by replacing Atomics.wait of this (jest) context only: workers have their own.

/** Makes the worker_threads global scope look like a dedicated worker's. */
const SHIM = `const { parentPort } = require('node:worker_threads');
globalThis.self = globalThis;
globalThis.postMessage = (message) => parentPort.postMessage(message);
parentPort.on('message', (data) => { if (typeof self.onmessage === 'function') self.onmessage({ data }); });
`;

interface FakeEvent {
  message?: string;
  data?: unknown;
  preventDefault(): void;
}

class FakeWebWorker {
  /** Every worker started (cleared by tests), with the init message it received. */
  static started: FakeWebWorker[] = [];
  /** Source text run after the script (a test's way to break the worker). */
  static sabotage = '';
  onmessage: ((event: FakeEvent) => void) | null = null;
  onerror: ((event: FakeEvent) => void) | null = null;
  onmessageerror: ((event: FakeEvent) => void) | null = null;
  init: WorkerInit | null = null;
  terminated = false;
  readonly url: string;
  private readonly inner: Promise<NodeWorker>;

  constructor(url: string) {
    this.url = url;
    const blob = resolveObjectURL(url);
    if (blob === undefined) throw new Error(`FakeWebWorker: ${url} is not a live Blob URL`);
    const extra = FakeWebWorker.sabotage;
    this.inner = blob.text().then((source) => {
      const worker = new NodeWorker(SHIM + source + extra, { eval: true });
      worker.unref();
      const event = (fields: object): FakeEvent => ({ ...fields, preventDefault: () => undefined });
      worker.on('message', (data) => this.onmessage?.(event({ data })));
      worker.on('error', (e) => this.onerror?.(event({ message: `Uncaught ${e}` })));
      return worker;
    });
    FakeWebWorker.started.push(this);
  }

  postMessage(data: unknown): void {
    this.init = data as WorkerInit;
    void this.inner.then((w) => w.postMessage(data));
  }

  terminate(): void {
    this.terminated = true;
    void this.inner.then((w) => w.terminate());
  }

  /** Groups this worker has run, read from the pool's shared control block. */
  groupsRun(): number {
    const init = this.init as WorkerInit;
    return Atomics.load(init.control, init.slot * CONTROL_STRIDE + CONTROL.RAN);
  }
}

const globals = globalThis as unknown as Record<string, unknown>;

/** Runs `body` with `name` set on globalThis (deleted when undefined), then restores it. */
async function withGlobal(name: string, value: unknown, body: () => Promise<void>): Promise<void> {
  const had = Object.prototype.hasOwnProperty.call(globals, name);
  const before = globals[name];
  if (value === undefined) delete globals[name];
  else globals[name] = value;
  try {
    await body();
  } finally {
    if (had) globals[name] = before;
    else delete globals[name];
  }
}

beforeEach(() => {
  globals.Worker = FakeWebWorker;
  FakeWebWorker.started = [];
  FakeWebWorker.sabotage = '';
});

afterEach(async () => {
  await disableWebWorkerPool();
  delete globals.Worker; // Node has none
});

const pool = (): ParallelBackend => parallelBackend() as ParallelBackend;

function sameBits(actual: Float32Array | Float64Array, expected: Float32Array | Float64Array): boolean {
  const bytes = (x: Float32Array | Float64Array): Uint8Array => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  return actual.constructor === expected.constructor && Buffer.compare(bytes(actual), bytes(expected)) === 0;
}

/** Runs a seeded GEMM on the pool and on one thread; expects the pool to take it and match bit for bit. */
function expectPooledGemmExact(seed: number, spec: Parameters<typeof makeGemmCase>[2]): void {
  const args = makeGemmCase(Float32Array, seed, spec) as GemmArgs<Float32Array>;
  const expected = args.c.slice();
  const kernel = loadWasmKernel(gemmBackend() === 'wasm-relaxed-simd' ? 'relaxed-simd' : 'simd');
  if (kernel === null || !gemmWasm(kernel, { ...args, c: expected }, checkGemmArgs(args))) throw new Error('no wasm gemm here');
  const pooled = args.c.slice();
  expect(pool().gemm({ ...args, c: pooled }, checkGemmArgs(args))).toBe(true);
  expect(sameBits(pooled, expected)).toBe(true);
  expect(pooled).not.toEqual(args.c);
}

/** About 2 ms on one thread, cut into bands far longer than a worker takes to wake. */
const large = { m: 256, n: 256, k: 256 };

const gemmSpecs: Parameters<typeof makeGemmCase>[2][] = [
  { m: 130, n: 130, k: 130 },
  { m: 101, n: 20, k: 513 },
  { m: 6, n: 70, k: 40, batch: 9, transA: true, broadcastB: true },
];

test('runs gemm and attention on Web Workers, bit-identical to one thread; disable returns to one', async () => {
  expect(await enableWebWorkerPool({ threads: 3, minGemmMacs: 0, minAttentionMacs: 0 })).toBe(3);
  expect(webWorkerPoolThreads()).toBe(3);
  expect(pool().threads).toBe(3);
  const workers = FakeWebWorker.started;
  expect(workers.map((w) => w.init?.slot)).toEqual([1, 2]);
  // One Blob URL for all workers, revoked once they started.
  expect(new Set(workers.map((w) => w.url)).size).toBe(1);
  expect(resolveObjectURL(workers[0].url)).toBeUndefined();

  gemmSpecs.forEach((spec, i) => expectPooledGemmExact(20 + i, spec));

  const shape = { B: 3, Hq: 4, Hkv: 2, L: 37, S: 45, E: 16, Ev: 12 };
  const a = toFloat32(makeAttentionCase(5, shape, { causal: true, floatMask: 'ls', dropoutP: 0.2 }));
  const dOut = Float32Array.from(randomArray(makeRng(6), shape.B * shape.Hq * shape.L * shape.Ev));
  const single = attentionForwardWasm(a);
  if (single === null) throw new Error('no attention wasm here');
  const singleGrads = attentionBackwardWasm(a, single.out, single.lse, dOut, true) as unknown as Record<string, Float32Array>;
  const fwd = pool().attentionForward(a);
  expect(fwd).not.toBeNull();
  expect(sameBits(fwd!.out, single.out) && sameBits(fwd!.lse, single.lse)).toBe(true);
  const grads = pool().attentionBackward(a, single.out, single.lse, dOut, true) as unknown as Record<string, Float32Array>;
  expect(Object.keys(grads).sort()).toEqual(Object.keys(singleGrads).sort());
  for (const key of Object.keys(singleGrads)) expect([key, sameBits(grads[key], singleGrads[key])]).toEqual([key, true]);

  // The workers took a share of the jobs (one product long enough that they wake in time).
  expectPooledGemmExact(30, large);
  expect(workers.reduce((n, w) => n + w.groupsRun(), 0)).toBeGreaterThan(0);

  const stopped = disableWebWorkerPool();
  expect(parallelBackend()).toBeNull();
  await stopped;
  expect(webWorkerPoolThreads()).toBe(1);
  expect(workers.every((w) => w.terminated)).toBe(true);
});

test('a main thread that may not block (Atomics.wait throws) polls instead, with the same results', async () => {
  const wait = Atomics.wait;
  let waits = 0;
  Atomics.wait = (() => {
    waits++;
    throw new TypeError('Atomics.wait cannot be called in this context');
  }) as typeof Atomics.wait;
  try {
    // spinMicros 0: a thread that may block would sleep at once whenever a worker still runs.
    expect(await enableWebWorkerPool({ threads: 3, minGemmMacs: 0, spinMicros: 0 })).toBe(3);
    expect(waits).toBe(1); // the pool's probe, on start
    for (let round = 0; round < 4; round++) gemmSpecs.forEach((spec, i) => expectPooledGemmExact(40 + round * 3 + i, spec));
    expectPooledGemmExact(60, large);
    expect(waits).toBe(1);
    expect(FakeWebWorker.started.reduce((n, w) => n + w.groupsRun(), 0)).toBeGreaterThan(0);
  } finally {
    Atomics.wait = wait;
  }
});

test('refuses with the missing capability named, leaving the current pool in place', async () => {
  await withGlobal('Worker', undefined, async () => {
    await expect(enableWebWorkerPool({ threads: 2 })).rejects.toThrow(
      'enableWebWorkerPool: Web Workers are unavailable (no globalThis.Worker)',
    );
    // One thread needs no workers.
    expect(await enableWebWorkerPool({ threads: 1 })).toBe(1);
  });
  await withGlobal('SharedArrayBuffer', undefined, async () => {
    await expect(enableWebWorkerPool({ threads: 2 })).rejects.toThrow(
      /^enableWebWorkerPool: SharedArrayBuffer is unavailable: serve the page with the headers "Cross-Origin-Opener-Policy: same-origin"/,
    );
  });
  expect(await enableWebWorkerPool({ threads: 2 })).toBe(2);
  const running = parallelBackend();
  await withGlobal('crossOriginIsolated', false, async () => {
    await expect(enableWebWorkerPool({ threads: 3 })).rejects.toThrow(
      'enableWebWorkerPool: the page is not cross-origin isolated: serve the page with the headers',
    );
  });
  expect(parallelBackend()).toBe(running);
  expect(webWorkerPoolThreads()).toBe(2);
  expect(FakeWebWorker.started).toHaveLength(1);
});

test('bad options are refused with the function and option named', async () => {
  await expect(enableWebWorkerPool({ threads: 0 })).rejects.toThrow('enableWebWorkerPool: threads must be a positive integer, got 0');
  await expect(enableWebWorkerPool({ threads: 1.5 })).rejects.toThrow('enableWebWorkerPool: threads must be a positive integer, got 1.5');
  await expect(enableWebWorkerPool({ threads: 2, spinMicros: -1 })).rejects.toThrow('startPoolBackend: spinMicros must be a non-negative number, got -1');
  expect(FakeWebWorker.started).toHaveLength(0);
  expect(parallelBackend()).toBeNull();
});

test('threads default to navigator.hardwareConcurrency', async () => {
  await withGlobal('navigator', { hardwareConcurrency: 2 }, async () => {
    expect(await enableWebWorkerPool()).toBe(2);
  });
  expect(FakeWebWorker.started).toHaveLength(1);
});

test('a worker that fails to start rejects with the function named, and no pool is left', async () => {
  FakeWebWorker.sabotage = `self.onmessage = () => { throw new Error('no shared memory here'); };`;
  await expect(enableWebWorkerPool({ threads: 3 })).rejects.toThrow(
    /^enableWebWorkerPool: pool worker \d failed to start: Uncaught Error: no shared memory here/,
  );
  expect(parallelBackend()).toBeNull();
  expect(webWorkerPoolThreads()).toBe(1);
  const workers = FakeWebWorker.started;
  expect(workers).toHaveLength(2);
  expect(workers.every((w) => w.terminated)).toBe(true);
  expect(resolveObjectURL(workers[0].url)).toBeUndefined();
});
