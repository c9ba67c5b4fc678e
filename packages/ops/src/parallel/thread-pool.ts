import {
  CALL_CAPACITY, CALL_WIDTH, CLOSED, CONTROL, CONTROL_STRIDE, ERROR_BYTES, POOL_FUNCTIONS,
  type PoolModule, type WorkerInit,
} from './pool-protocol.js';
import { MAX_WASM_PAGES, toSharedMemoryModule } from './shared-memory-wasm.js';

// A fixed set of threads that run planned calls into WebAssembly kernels on shared memories,
// with a synchronous API: the caller wakes the workers, claims groups of the job itself like
// any worker (pool-protocol.ts), and blocks in Atomics.wait until every group is finished; a
// thread that may not block (a browser's main thread, where Atomics.wait throws) polls instead.
// Environment-neutral: starting a worker is the job of a SpawnPoolWorker (worker_threads in
// Node, see src/node/; Web Workers, see web-worker-pool.ts).

/** A started worker: `ready` resolves once its kernels are instantiated. */
export interface PoolWorkerHandle {
  ready: Promise<void>;
  /** Stops the worker; resolves once it has exited. */
  terminate(): Promise<void>;
}

/** Starts one worker running the pool's worker program with `init`. */
export type SpawnPoolWorker = (init: WorkerInit) => PoolWorkerHandle;

/** A kernel export as JavaScript sees it: numbers in, nothing useful out. */
type KernelFunction = (...args: number[]) => unknown;

/** Options of {@link ThreadPool.start}. */
export interface ThreadPoolOptions {
  /** Threads in all, the calling thread included (>= 2). */
  threads: number;
  /** Kernel module binaries by name, as built (each with its own memory). */
  binaries: Partial<Record<PoolModule, Uint8Array>>;
  /** Microseconds a waiting thread polls before it sleeps; more trades CPU for lower latency. */
  spinMicros: number;
}

function abort(): never {
  throw new Error('thread pool: wasm abort');
}

const WORK_ARG = POOL_FUNCTIONS.map((f) => f[2] as number);

/** Whether this thread may block in Atomics.wait: not a browser's main thread, where it throws. */
function threadCanBlock(): boolean {
  try {
    // The value differs from the word, so a thread that may block returns at once.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Threads sharing one WebAssembly memory per kernel module. Thread 0 is the caller. A planner
 * sets the threads' workspaces ({@link setWork}), queues groups of calls ({@link group},
 * {@link call}) and executes them with {@link run}.
 */
export class ThreadPool {
  readonly threads: number;
  /** The caller's instances on the shared memories, by module. */
  readonly exports: Partial<Record<PoolModule, WebAssembly.Exports>>;
  private readonly control: Int32Array;
  private readonly claim: BigInt64Array;
  private readonly calls: Float64Array;
  private readonly starts: Int32Array;
  private readonly work: Float64Array;
  private readonly errors: Uint8Array[];
  private readonly fns: Array<KernelFunction | undefined>;
  private readonly args = new Float64Array(CALL_WIDTH);
  private readonly spinMs: number;
  private readonly canBlock = threadCanBlock();
  private workers: PoolWorkerHandle[] = [];
  private count = 0;
  private groups = 0;
  private ranHere = 0;
  private tag = 0n;
  private closed = false;

  private constructor(threads: number, exports: Partial<Record<PoolModule, WebAssembly.Exports>>, spinMicros: number) {
    this.threads = threads;
    this.exports = exports;
    this.spinMs = spinMicros / 1000;
    this.control = new Int32Array(new SharedArrayBuffer(threads * CONTROL_STRIDE * 4));
    this.claim = new BigInt64Array(new SharedArrayBuffer(8));
    this.claim[0] = BigInt(CLOSED);
    this.calls = new Float64Array(new SharedArrayBuffer(CALL_CAPACITY * CALL_WIDTH * 8));
    this.starts = new Int32Array(new SharedArrayBuffer((CALL_CAPACITY + 1) * 4));
    this.work = new Float64Array(new SharedArrayBuffer(threads * 8));
    const errors = new SharedArrayBuffer(threads * ERROR_BYTES);
    this.errors = Array.from({ length: threads }, (_, t) => new Uint8Array(errors, t * ERROR_BYTES, ERROR_BYTES));
    this.fns = POOL_FUNCTIONS.map(([module, name]) => exports[module]?.[name] as KernelFunction | undefined);
  }

  /**
   * Rewrites each binary to import a shared memory, instantiates it on the calling thread,
   * starts `threads - 1` workers with `spawn`, and resolves once all are ready. Throws an
   * Error naming the argument when `threads` is not an integer >= 2.
   */
  static async start(spawn: SpawnPoolWorker, options: ThreadPoolOptions): Promise<ThreadPool> {
    const { threads, binaries, spinMicros } = options;
    if (!Number.isInteger(threads) || threads < 2) {
      throw new Error(`ThreadPool.start: threads must be an integer >= 2, got ${threads}`);
    }
    const modules: Partial<Record<PoolModule, WebAssembly.Module>> = {};
    const memories: Partial<Record<PoolModule, WebAssembly.Memory>> = {};
    const exports: Partial<Record<PoolModule, WebAssembly.Exports>> = {};
    for (const key of Object.keys(binaries) as PoolModule[]) {
      const shared = toSharedMemoryModule(binaries[key] as Uint8Array);
      // Compiled and instantiated asynchronously: a browser's main thread may refuse to do it
      // synchronously for modules over a few kilobytes.
      const module = await WebAssembly.compile(shared.bytes);
      const memory = new WebAssembly.Memory({ initial: shared.minimumPages, maximum: MAX_WASM_PAGES, shared: true });
      modules[key] = module;
      memories[key] = memory;
      exports[key] = (await WebAssembly.instantiate(module, { env: { memory, abort } })).exports;
    }
    const pool = new ThreadPool(threads, exports, spinMicros);
    for (let slot = 1; slot < threads; slot++) {
      pool.workers.push(spawn({
        slot, control: pool.control, claim: pool.claim, calls: pool.calls, starts: pool.starts, work: pool.work,
        errors: pool.errors[slot], modules, memories, functions: POOL_FUNCTIONS, spinMicros,
      }));
    }
    try {
      await Promise.all(pool.workers.map((w) => w.ready));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** Calls the current job can still take. */
  get room(): number {
    return CALL_CAPACITY - this.count;
  }

  /** Sets each thread's workspace address for the calls of the next job that take one. */
  setWork(addresses: readonly number[]): void {
    for (let t = 0; t < this.threads; t++) this.work[t] = addresses[t];
  }

  /** Starts a group: the calls queued until the next group run in order on one thread. */
  group(): void {
    if (this.groups === CALL_CAPACITY) throw new Error(`thread pool: a job holds at most ${CALL_CAPACITY} groups`);
    this.starts[this.groups++] = this.count;
  }

  /** Queues `fn(...args)` (an id from FN) in the current group. Throws when the job is full. */
  call(fn: number, ...args: number[]): void {
    if (this.groups === 0) throw new Error('thread pool: call() before group()');
    if (this.count === CALL_CAPACITY) throw new Error(`thread pool: a job holds at most ${CALL_CAPACITY} calls`);
    const o = this.count++ * CALL_WIDTH;
    this.calls[o] = fn;
    for (let i = 0; i < args.length; i++) this.calls[o + 1 + i] = args[i];
  }

  /**
   * Runs the queued job on every thread and returns when all its groups are done. Throws an
   * Error with the message of the first call that threw, on any thread.
   */
  run(): void {
    if (this.closed) throw new Error('thread pool: run after close');
    const groups = this.groups;
    this.groups = 0;
    if (groups === 0) return;
    const { control, claim } = this;
    this.starts[groups] = this.count;
    this.count = 0;
    Atomics.store(control, CONTROL.GROUPS, groups);
    Atomics.store(control, CONTROL.FINISHED, 0);
    this.tag = (this.tag + 1n) & 0xffffffffn;
    const tag = this.tag << 32n;
    Atomics.store(claim, 0, tag);
    for (let t = 1; t < this.threads; t++) {
      const at = t * CONTROL_STRIDE + CONTROL.SEQ;
      Atomics.add(control, at, 1);
      Atomics.notify(control, at);
    }
    let failure: unknown = null;
    let word = Atomics.load(claim, 0);
    for (let g = Number(word & 0xffffffffn); g < groups; g = Number(word & 0xffffffffn)) {
      if (Atomics.compareExchange(claim, 0, word, word + 1n) === word) {
        try {
          this.runGroup(g);
        } catch (e) {
          failure ??= e;
        }
        this.ranHere++;
        Atomics.add(control, CONTROL.FINISHED, 1);
      }
      word = Atomics.load(claim, 0);
    }
    this.waitFinished(groups);
    Atomics.store(claim, 0, tag | BigInt(CLOSED));
    for (let t = 1; t < this.threads; t++) {
      const at = t * CONTROL_STRIDE;
      if (Atomics.load(control, at + CONTROL.STATUS) === 0) continue;
      Atomics.store(control, at + CONTROL.STATUS, 0);
      const text = new TextDecoder().decode(this.errors[t].slice(0, Atomics.load(control, at + CONTROL.ERRLEN)));
      failure ??= new Error(`thread pool: worker ${t} failed: ${text}`);
    }
    if (failure !== null) throw failure;
  }

  /** Groups each thread has run since the pool started (index 0: the caller), for diagnostics. */
  groupsRun(): number[] {
    return Array.from({ length: this.threads }, (_, t) =>
      t === 0 ? this.ranHere : Atomics.load(this.control, t * CONTROL_STRIDE + CONTROL.RAN));
  }

  /** Runs group g's calls on this thread (the runGroup of worker-source.ts). */
  private runGroup(g: number): void {
    const { calls, fns, args: a } = this;
    for (let c = this.starts[g]; c < this.starts[g + 1]; c++) {
      a.set(calls.subarray(c * CALL_WIDTH, (c + 1) * CALL_WIDTH));
      const id = a[0];
      const f = fns[id];
      if (f === undefined) throw new Error(`thread pool: no function ${id}`);
      if (WORK_ARG[id] >= 0) a[1 + WORK_ARG[id]] = this.work[0];
      f(a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19]);
    }
  }

  /**
   * Blocks until FINISHED reaches `groups`, polling for spinMicros before sleeping; polls until
   * then on a thread that may not sleep.
   */
  private waitFinished(groups: number): void {
    const control = this.control;
    let seen = Atomics.load(control, CONTROL.FINISHED);
    const until = this.canBlock ? performance.now() + this.spinMs : Infinity;
    while (seen !== groups && performance.now() < until) {
      for (let i = 0; i < 64 && seen !== groups; i++) seen = Atomics.load(control, CONTROL.FINISHED);
    }
    while (seen !== groups) {
      Atomics.wait(control, CONTROL.FINISHED, seen);
      seen = Atomics.load(control, CONTROL.FINISHED);
    }
  }

  /** Stops every worker and resolves once they have exited; the pool cannot run again. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const control = this.control;
    for (let t = 1; t < this.threads; t++) {
      const at = t * CONTROL_STRIDE;
      Atomics.store(control, at + CONTROL.STOP, 1);
      Atomics.add(control, at + CONTROL.SEQ, 1);
      Atomics.notify(control, at + CONTROL.SEQ);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
