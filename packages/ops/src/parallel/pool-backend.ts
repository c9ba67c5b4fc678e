import { ATTENTION_WASM_RELAXED_SIMD, ATTENTION_WASM_SIMD } from '../kernels/wasm/attention-f32-wasm.generated.js';
import { gemmF32RelaxedSimdWasm, gemmF32SimdWasm } from '../kernels/wasm/gemm-f32-wasm.generated.js';
import { attentionWasm, loadAttentionWasm } from '../kernels/attention-wasm.js';
import { gemmBackend } from '../kernels/gemm.js';
import { decodeBase64 } from '../kernels/gemm-wasm.js';
import { ParallelAttention } from './parallel-attention.js';
import type { ParallelBackend } from './parallel-backend.js';
import { ParallelGemm } from './parallel-gemm.js';
import type { PoolModule } from './pool-protocol.js';
import { ThreadPool, type SpawnPoolWorker } from './thread-pool.js';

/**
 * Default size gates, in multiply-adds per call (m·n·k·batch), measured with
 * scripts/bench-parallel.mjs on 2 cores (Node 20): a pool of two gains 1.1x at 64³ = 2^18 and
 * 1.4x at 96³ when its worker is awake, but a worker that has gone to sleep wakes a few hundred
 * microseconds late, and then only products well above 2^20 (a few tens of microseconds) leave
 * it enough to take.
 */
export const DEFAULT_MIN_GEMM_MACS = 1 << 20;
/**
 * Counts the score and value products, halved when causal. Higher than the GEMM gate: a
 * pooled attention call also gathers and scatters its operands and results on the calling
 * thread, so in a training step the GPT shape of the benchmark, (16, 4, 64, 16) causal at
 * 2^22, ran slower on two threads than on one (2 layers: median step 38.3 vs 34.1 ms with
 * attention kept off the pool), while (4, 4, 128, 32) at 2^23 gains 1.25x.
 */
export const DEFAULT_MIN_ATTENTION_MACS = 1 << 23;
/**
 * Default microseconds a waiting thread polls before it sleeps. Waking a thread from
 * Atomics.wait took 200-300 µs on the 2-core VM measured, longer than a 128³ product takes on
 * one thread: a worker that polls this long after a job catches the next product of a training
 * step awake.
 */
export const DEFAULT_SPIN_MICROS = 300;

/** Options of {@link startPoolBackend}. */
export interface PoolBackendOptions {
  /** Threads in all, the calling thread included (>= 2). */
  threads: number;
  /** Smallest GEMM (m·n·k·batch) that runs on the pool; default DEFAULT_MIN_GEMM_MACS. */
  minGemmMacs?: number;
  /** Smallest attention call that runs on the pool; default DEFAULT_MIN_ATTENTION_MACS. */
  minAttentionMacs?: number;
  /** Microseconds a waiting thread polls before it sleeps; default DEFAULT_SPIN_MICROS. */
  spinMicros?: number;
}

/** A running pool as a ParallelBackend, and how to stop it. */
export interface PoolBackend {
  backend: ParallelBackend;
  /** Stops the workers; resolves once they have exited. */
  close(): Promise<void>;
}

/**
 * The builds the single-threaded kernels use in this runtime, so results match them bit for
 * bit, and a check that they still do (enableRelaxedSimd may switch the kernels later; then the
 * pool declines the module it runs in the other build).
 */
function kernelBinaries(): { binaries: Partial<Record<PoolModule, Uint8Array>>; current: Record<PoolModule, () => boolean> } {
  const binaries: Partial<Record<PoolModule, Uint8Array>> = {};
  const gemm = gemmBackend();
  if (gemm !== 'typescript') {
    binaries.gemm = decodeBase64(gemm === 'wasm-relaxed-simd' ? gemmF32RelaxedSimdWasm : gemmF32SimdWasm);
  }
  const attention = attentionWasm();
  if (attention !== null) {
    const relaxed = attention === loadAttentionWasm('relaxed-simd');
    binaries.attention = decodeBase64(relaxed ? ATTENTION_WASM_RELAXED_SIMD : ATTENTION_WASM_SIMD);
  }
  return { binaries, current: { gemm: () => gemmBackend() === gemm, attention: () => attentionWasm() === attention } };
}

function checkCount(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new Error(`startPoolBackend: ${name} must be a non-negative number, got ${value}`);
  }
}

/**
 * Starts a pool of `threads` (workers started by `spawn`) running the float32 WebAssembly
 * kernels of this runtime, and wraps it as a ParallelBackend that takes the gemm and attention
 * calls at least as large as the gates. Throws an Error naming the function and the option on
 * bad options, or when WebAssembly SIMD is missing (nothing would run on the pool).
 */
export async function startPoolBackend(spawn: SpawnPoolWorker, options: PoolBackendOptions): Promise<PoolBackend> {
  const { threads } = options;
  const minGemmMacs = options.minGemmMacs ?? DEFAULT_MIN_GEMM_MACS;
  const minAttentionMacs = options.minAttentionMacs ?? DEFAULT_MIN_ATTENTION_MACS;
  const spinMicros = options.spinMicros ?? DEFAULT_SPIN_MICROS;
  if (!Number.isInteger(threads) || threads < 2) {
    throw new Error(`startPoolBackend: threads must be an integer >= 2, got ${threads}`);
  }
  checkCount('minGemmMacs', minGemmMacs);
  checkCount('minAttentionMacs', minAttentionMacs);
  checkCount('spinMicros', spinMicros);
  const { binaries, current } = kernelBinaries();
  if (Object.keys(binaries).length === 0) {
    throw new Error('startPoolBackend: WebAssembly SIMD is unavailable in this runtime, so no kernel can run on a pool');
  }
  const pool = await ThreadPool.start(spawn, { threads, binaries, spinMicros });
  const gemm = binaries.gemm ? new ParallelGemm(pool) : null;
  const attention = binaries.attention ? new ParallelAttention(pool) : null;
  const attentionMacs = (a: { batch: number; headsQ: number; lenQ: number; lenKv: number; dim: number; dimV: number; causal: boolean }): number =>
    (a.batch * a.headsQ * a.lenQ * a.lenKv * (a.dim + a.dimV)) / (a.causal ? 2 : 1);
  const takeGemm = (macs: number): boolean => gemm !== null && macs >= minGemmMacs && current.gemm();
  const takeAttention = (macs: number): boolean => attention !== null && macs >= minAttentionMacs && current.attention();
  const backend: ParallelBackend = {
    threads,
    gemm: (args, batch) => takeGemm(args.m * args.n * args.k * batch) && (gemm as ParallelGemm).run(args, batch),
    attentionForward: (args) => (takeAttention(attentionMacs(args)) ? (attention as ParallelAttention).forward(args) : null),
    attentionBackward: (args, out, lse, dOut, wantMaskGrad) =>
      takeAttention(attentionMacs(args)) ? (attention as ParallelAttention).backward(args, out, lse, dOut, wantMaskGrad) : null,
  };
  return { backend, close: () => pool.close() };
}
