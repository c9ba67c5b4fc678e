import { parallelBackend, setParallelBackend, type ParallelBackend } from '@tsgrad/ops';
import { disableWorkerPool, enableWorkerPool } from '@tsgrad/ops/node';
import type { Peer, Runner } from './peer.js';
import { tsgradAttentionRunner, tsgradGptTrainer, tsgradMatmulRunner } from './tsgrad.js';

// tsgrad on its opt-in worker pool (@tsgrad/ops/node), started once and kept for the whole run
// as a user would keep it. The pool is process-wide: while it is installed, every large float32
// gemm and fused attention call of tsgrad goes to it, the single-threaded column's included. So
// it is installed (setParallelBackend, public in @tsgrad/ops) right before each warm-up and each
// timed sample of this column and uninstalled right after (prepare/release, both untimed): while
// any other column is timed, the worker sleeps in Atomics.wait and no call reaches it.

let pool: { threads: number; backend: ParallelBackend } | null = null;

async function installPool(threads: number): Promise<void> {
  if (pool === null) {
    const got = await enableWorkerPool({ threads });
    const backend = parallelBackend();
    if (got !== threads || backend === null) {
      await disableWorkerPool();
      throw new Error(`tsgrad: enableWorkerPool({ threads: ${threads} }) started ${got} thread(s)`);
    }
    pool = { threads, backend };
  }
  setParallelBackend(pool.backend);
}

/** Takes the pool out of tsgrad's kernels; the workers stay up, asleep, for the next sample. */
function uninstallPool(): void {
  setParallelBackend(null);
}

/** Stops tsgrad's worker pool if one runs; resolves once its workers have exited. */
export async function stopTsgradPool(): Promise<void> {
  pool = null;
  await disableWorkerPool();
}

/** The runner with the pool installed before it runs and uninstalled after. */
function onPool(runner: Runner, threads: number): Runner {
  return {
    prepare: () => installPool(threads),
    run: runner.run,
    release: uninstallPool,
    dispose: runner.dispose,
  };
}

/**
 * tsgrad with `enableWorkerPool({ threads })`: one pool for the whole run, installed as the
 * kernels' parallel backend only around this column's warm-ups and samples.
 */
export function tsgradThreadsPeer(threads: number): Peer {
  return {
    name: `tsgrad ${threads}T`,
    description:
      `tsgrad with enableWorkerPool({ threads: ${threads} }) (this thread + ${threads - 1} worker_threads, default size gates), ` +
      'one pool for the whole run, installed as the parallel backend only around this column\'s samples',
    matmul: (spec) => onPool(tsgradMatmulRunner(spec), threads),
    attention: (spec) => onPool(tsgradAttentionRunner(spec), threads),
    gptTrainer: (spec) => {
      const t = tsgradGptTrainer(spec);
      return {
        prepare: () => installPool(threads),
        step: t.step,
        release: uninstallPool,
        dispose: t.dispose,
      };
    },
  };
}
