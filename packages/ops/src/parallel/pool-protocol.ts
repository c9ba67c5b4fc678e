// The protocol between the calling thread and the pool's workers. Workers run no JavaScript
// of ours beyond a small loop (worker-source.ts): they execute calls into the shared
// WebAssembly kernels that the calling thread planned.
//
// A job is a list of calls cut into groups. The calls of a group run in order on one thread;
// groups are independent and every thread, the caller included, claims the next unclaimed
// group until none is left. So a worker that wakes late, or is descheduled by a neighbour's
// process, only takes fewer groups: the job never waits for it to start.
//
// A call holds CALL_WIDTH float64 slots: a function id (an index into POOL_FUNCTIONS), then its
// arguments, unused slots ignored. Every kernel argument (addresses, sizes, f32 scalars, u32
// seeds) is exact in a float64. A function's workspace argument (POOL_FUNCTIONS' third field)
// is replaced by the claiming thread's entry of the job's work addresses, so each thread packs
// into scratch of its own whichever groups it takes.
//
// Shared state:
//   claim  a BigInt64 word: (job tag << 32) | index of the next unclaimed group. A thread claims
//          by compare-exchange; the caller opens a job with (new tag, 0) and closes it with
//          (tag, CLOSED) once every group finished. The tag keeps a thread that read the word
//          during one job from claiming in the next.
//   control int32 words, CONTROL_STRIDE (128 bytes) per slot t at t·CONTROL_STRIDE: slot 0 holds
//          GROUPS and FINISHED (groups in the job, groups done; the caller waits on FINISHED),
//          worker slot t >= 1 holds
//          SEQ (bumped to wake the worker), STOP (non-zero: exit), STATUS (1: a call threw, text
//          in the worker's error bytes), ERRLEN (length of that text), RAN (groups it ran).

/** Kernel exports a call may name, by id: [module, export, index of the workspace argument or -1]. */
export const POOL_FUNCTIONS = [
  ['gemm', 'gemm', 13],
  ['attention', 'configure', 14],
  ['attention', 'pack', -1],
  ['attention', 'packPanels', -1],
  ['attention', 'unpack', -1],
  ['attention', 'rowDots', -1],
  ['attention', 'forwardHead', -1],
  ['attention', 'backwardKvHead', -1],
] as const;

/** Ids into POOL_FUNCTIONS. */
export const FN = {
  gemm: 0, configure: 1, pack: 2, packPanels: 3, unpack: 4, rowDots: 5, forwardHead: 6, backwardKvHead: 7,
} as const;

/** The modules a pool instantiates on its shared memories. */
export type PoolModule = (typeof POOL_FUNCTIONS)[number][0];

/** Float64 slots per call: the id and up to 19 arguments (backwardKvHead takes 18). */
export const CALL_WIDTH = 20;
/** Calls one job holds; planners cut bigger work into several jobs. */
export const CALL_CAPACITY = 4096;
/** Int32 words of the control block per slot (128 bytes: no shared cache lines). */
export const CONTROL_STRIDE = 32;
/** Bytes per worker for the text of an error thrown by a call. */
export const ERROR_BYTES = 1024;
/** Group index of a closed job: larger than any group count. */
export const CLOSED = 0xffffffff;

/** Word offsets in the control block: the job's, then those inside a worker's slot. */
export const CONTROL = { GROUPS: 0, FINISHED: 1, SEQ: 0, STOP: 1, STATUS: 2, ERRLEN: 3, RAN: 4 } as const;

/** What a worker receives at start: shared buffers, compiled modules, the function table. */
export interface WorkerInit {
  /** This worker's slot (1-based: slot 0 is the calling thread). */
  slot: number;
  control: Int32Array;
  claim: BigInt64Array;
  /** The job's calls, CALL_WIDTH slots each. */
  calls: Float64Array;
  /** Group g is calls starts[g] .. starts[g + 1] - 1. */
  starts: Int32Array;
  /** Workspace address of each thread for the job. */
  work: Float64Array;
  /** This worker's error text buffer. */
  errors: Uint8Array;
  modules: Partial<Record<PoolModule, WebAssembly.Module>>;
  memories: Partial<Record<PoolModule, WebAssembly.Memory>>;
  functions: ReadonlyArray<readonly [PoolModule, string, number]>;
  /** Microseconds a worker polls SEQ after a job before it sleeps in Atomics.wait. */
  spinMicros: number;
}
