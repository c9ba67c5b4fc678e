import { performance } from 'node:perf_hooks';
import { disableWorkerPool, enableWorkerPool } from '@tsgrad/ops/node';
import type { Peer, Runner } from './peer.js';
import { tsgradAttentionRunner, tsgradGptTrainer, tsgradMatmulRunner } from './tsgrad.js';

// tsgrad on its opt-in worker pool (@tsgrad/ops/node). The pool is process-wide: once enabled,
// every large float32 gemm and fused attention call of tsgrad goes to it, the single-threaded
// tsgrad column's included. So it is started right before each warm-up and each timed sample of
// this column and stopped right after (prepare/release, both untimed): while any other column
// is timed, no pool exists and no worker thread is alive.

/** Threads of the pool this module started, 0 when none runs. */
let running = 0;

// Idempotent: the harness prepares before every warm-up run, and the pool stays up across them.
async function startPool(threads: number, rewarmMs: number, warm: () => void): Promise<void> {
  if (running === threads) return;
  const got = await enableWorkerPool({ threads });
  running = got;
  if (got !== threads) {
    await stopTsgradPool();
    throw new Error(`tsgrad: enableWorkerPool({ threads: ${threads} }) started ${got} thread(s)`);
  }
  const t0 = performance.now();
  do {
    warm();
  } while (performance.now() - t0 < rewarmMs);
}

/** Stops tsgrad's worker pool if one runs; resolves once its workers have exited. */
export async function stopTsgradPool(): Promise<void> {
  running = 0;
  await disableWorkerPool();
}

/** The runner with the pool started before it runs and stopped after; `warm` re-warms a new pool. */
function onPool(runner: Runner, threads: number, rewarmMs: number, warm: () => void): Runner {
  return {
    prepare: () => startPool(threads, rewarmMs, warm),
    run: runner.run,
    release: stopTsgradPool,
    dispose: runner.dispose,
  };
}

/**
 * tsgrad with `enableWorkerPool({ threads })` around each of its samples. After each start,
 * `rewarmMs` of untimed work on the row's own inputs: a fresh pool compiles its kernel modules
 * anew and starts a new worker isolate, so its first calls run baseline-tier WebAssembly while
 * the optimizing compiler works in the background, on the core the worker needs. Measured on
 * 2 cores (README, "Timing the pool"), a fresh pool took 1.2-1.5x a long-lived pool's time
 * without re-warm and came within noise of it after 250 ms.
 */
export function tsgradThreadsPeer(threads: number, rewarmMs: number): Peer {
  return {
    name: `tsgrad ${threads}T`,
    description:
      `tsgrad with enableWorkerPool({ threads: ${threads} }) (this thread + ${threads - 1} worker_threads, default size gates), ` +
      `the pool started (then ${rewarmMs} ms of untimed re-warm) before and stopped after each of its samples`,
    matmul: (spec) => {
      const r = tsgradMatmulRunner(spec);
      return onPool(r, threads, rewarmMs, () => void r.run());
    },
    attention: (spec) => {
      const r = tsgradAttentionRunner(spec);
      return onPool(r, threads, rewarmMs, () => void r.run());
    },
    gptTrainer: (spec) => {
      const t = tsgradGptTrainer(spec);
      return {
        prepare: () => startPool(threads, rewarmMs, t.forwardBackward),
        step: t.step,
        release: stopTsgradPool,
        dispose: t.dispose,
      };
    },
  };
}
