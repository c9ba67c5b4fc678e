import type { AttentionArgs } from '../kernels/attention-args.js';
import type { GemmArgs } from '../kernels/gemm-types.js';

/** Gradients from {@link ParallelBackend.attentionBackward}, as attentionBackward returns them. */
export interface ParallelAttentionGrads {
  /** Gradient of the queries, laid out as the queries. */
  dq: Float32Array;
  /** Gradient of the keys, laid out as the keys. */
  dk: Float32Array;
  /** Gradient of the values, laid out as the values. */
  dv: Float32Array;
  /** Gradient of a float mask, when one was asked for. */
  dMask?: Float32Array;
}

/**
 * Runs float32 kernels on several threads. `gemm` and the fused attention kernels offer each
 * float32 call to the installed backend first; a backend takes it (and returns a result) only
 * when it pays, and otherwise declines so the single-threaded path runs. Every method is
 * synchronous and returns results identical to the single-threaded WebAssembly kernels.
 * Arguments arrive already validated.
 */
export interface ParallelBackend {
  /** Threads that share the work, the calling thread included. */
  readonly threads: number;
  /** Computes `args` (float32, checked, m, n, k, batch >= 1) and returns true, or declines with false. */
  gemm(args: GemmArgs<Float32Array>, batch: number): boolean;
  /** Fused attention forward, or null to decline. */
  attentionForward(args: AttentionArgs<Float32Array>): { out: Float32Array; lse: Float64Array } | null;
  /** Fused attention backward, or null to decline. */
  attentionBackward(
    args: AttentionArgs<Float32Array>, out: Float32Array, lse: Float64Array, dOut: Float32Array,
    wantMaskGrad: boolean,
  ): ParallelAttentionGrads | null;
}

let installed: ParallelBackend | null = null;

/**
 * Installs `backend` for every later float32 gemm and attention call, or removes it (null):
 * then everything runs on the calling thread again. Node users call `enableWorkerPool` from
 * `@tsgrad/ops/node`, which builds a backend on worker_threads and installs it here; browsers
 * call `enableWebWorkerPool`, which does the same on Web Workers.
 */
export function setParallelBackend(backend: ParallelBackend | null): void {
  installed = backend;
}

/** The installed backend, or null when kernels run single-threaded (the default). */
export function parallelBackend(): ParallelBackend | null {
  return installed;
}
