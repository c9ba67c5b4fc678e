import type { AttentionArgs } from '../kernels/attention-args.js';
import type { AttentionWasmExports } from '../kernels/attention-wasm.js';
import { backwardResults, configureArgs, forwardResults, stageBackward, stageForward } from '../kernels/attention-wasm-staging.js';
import type { ParallelAttentionGrads } from './parallel-backend.js';
import { CALL_CAPACITY, FN } from './pool-protocol.js';
import type { ThreadPool } from './thread-pool.js';

// Fused attention split across a thread pool by units of one (batch, kv head): a kv head and
// the query heads that read it. A pool group (claimed by whichever thread comes free, see
// pool-protocol.ts) packs and computes a run of consecutive units and writes disjoint parts of
// every result, including the backward's dk/dv, which sum over the query heads of a unit. The
// memory layout (kernels/attention-wasm-staging.ts) and the calls are those of the
// single-threaded driver (kernels/attention-wasm-kernels.ts), on the pool's shared memory of
// the attention module, with one scratch region per thread; results are identical to one thread.

/** Groups per thread, at most: enough for claiming to balance the threads. */
const GROUPS_PER_THREAD = 4;

/**
 * Cuts `units` into runs of consecutive units, about GROUPS_PER_THREAD per thread (more where a
 * run would not fit in a job), and queues
 * each with `queue` (which adds `fixed` + `perUnit`·units calls) as one group, running a job
 * whenever the next run would not fit.
 */
function queueRuns(
  pool: ThreadPool, units: number, fixed: number, perUnit: number, queue: (u0: number, u1: number) => void,
): void {
  const fitting = Math.max(1, Math.floor((CALL_CAPACITY - fixed) / perUnit));
  const runs = Math.max(Math.min(units, GROUPS_PER_THREAD * pool.threads), Math.ceil(units / fitting));
  for (let r = 0; r < runs; r++) {
    const u0 = Math.floor((r * units) / runs);
    const u1 = Math.floor(((r + 1) * units) / runs);
    const calls = fixed + perUnit * (u1 - u0);
    if (calls > pool.room) pool.run();
    if (calls > pool.room) throw new Error(`ParallelAttention: ${calls} calls for one group exceed a job`);
    pool.group();
    queue(u0, u1);
  }
  pool.run();
}

/** Plans and runs fused attention on a pool's attention module. */
export class ParallelAttention {
  private readonly pool: ThreadPool;
  private readonly w: AttentionWasmExports;

  constructor(pool: ThreadPool) {
    const w = pool.exports.attention as unknown as AttentionWasmExports | undefined;
    if (w === undefined) throw new Error('ParallelAttention: the pool has no attention module');
    this.pool = pool;
    this.w = w;
  }

  /** Queues configure() for the current group; the pool passes the claiming thread's scratch. */
  private configure(a: AttentionArgs<Float32Array>): void {
    this.pool.call(FN.configure, ...configureArgs(a, 0));
  }

  /** Fused forward (checked args), or null when it does not split or memory cannot grow. */
  forward(a: AttentionArgs<Float32Array>): { out: Float32Array; lse: Float64Array } | null {
    const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev } = a;
    const threads = this.pool.threads;
    if (B * Hkv < 2 || B * Hq * L === 0 || S === 0) return null;
    const w = this.w;
    const staged = stageForward(w, a, threads);
    if (staged === null) return null;
    const { Lp, Sp, Ep, Evp, panels, qAt, kAt, vAt, qP, ktP, vP, outAt, lseAt, masks, scratch } = staged;
    const group = Hq / Hkv;
    const pool = this.pool;
    pool.setWork(scratch);
    queueRuns(pool, B * Hkv, 4, group, (g0, g1) => {
      const ng = g1 - g0;
      // Query heads of units g0..g1 are heads g0·group .. g1·group of the (B·Hq) list.
      pool.call(FN.pack, qAt + g0 * group * L * E * 4, qP + g0 * group * Lp * Ep * 4, ng * group, L, E, Lp, Ep);
      pool.call(FN.packPanels, kAt + g0 * S * E * 4, ktP + g0 * Ep * panels * 4, ng, S, E, Ep);
      pool.call(FN.pack, vAt + g0 * S * Ev * 4, vP + g0 * Sp * Evp * 4, ng, S, Ev, Sp, Evp);
      this.configure(a);
      for (let g = g0; g < g1; g++) {
        const b = Math.floor(g / Hkv);
        for (let r = 0; r < group; r++) {
          const h = (g % Hkv) * group + r;
          const bh = g * group + r;
          pool.call(
            FN.forwardHead, qP + bh * Lp * Ep * 4, ktP + g * Ep * panels * 4, vP + g * Sp * Evp * 4,
            outAt + bh * L * Ev * 4, lseAt + bh * L * 8, masks.fm(b, h), masks.bm(b, h), b, h,
          );
        }
      }
    });
    return forwardResults(w, a, staged);
  }

  /** Fused backward (checked args), or null as for {@link forward}. */
  backward(
    a: AttentionArgs<Float32Array>, out: Float32Array, lse: Float64Array, dOut: Float32Array, wantMaskGrad: boolean,
  ): ParallelAttentionGrads | null {
    const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev } = a;
    const threads = this.pool.threads;
    if (B * Hkv < 2 || lse.length === 0 || S === 0) return null;
    const w = this.w;
    const staged = stageBackward(w, a, out, lse, dOut, wantMaskGrad, threads);
    if (staged === null) return null;
    const { Lp, Sp, Ep, Evp, panels, qAt, kAt, vAt, dOAt, outAt, qP, kP, ktP, vtP, dOP, dqP, dqAt, dkAt, dvAt, lseAt, dRowAt, dMaskAt, masks, scratch } =
      staged;
    const group = Hq / Hkv;
    const pool = this.pool;
    pool.setWork(scratch);
    queueRuns(pool, B * Hkv, 8, 1, (g0, g1) => {
      const ng = g1 - g0;
      const h0 = g0 * group;
      const nh = ng * group;
      // D_i = dO_i · O_i for this thread's query rows.
      pool.call(FN.rowDots, dOAt + h0 * L * Ev * 4, outAt + h0 * L * Ev * 4, dRowAt + h0 * L * 4, nh * L, Ev);
      pool.call(FN.pack, qAt + h0 * L * E * 4, qP + h0 * Lp * Ep * 4, nh, L, E, Lp, Ep);
      pool.call(FN.pack, kAt + g0 * S * E * 4, kP + g0 * Sp * Ep * 4, ng, S, E, Sp, Ep);
      pool.call(FN.packPanels, kAt + g0 * S * E * 4, ktP + g0 * Ep * panels * 4, ng, S, E, Ep);
      pool.call(FN.packPanels, vAt + g0 * S * Ev * 4, vtP + g0 * Evp * panels * 4, ng, S, Ev, Evp);
      pool.call(FN.pack, dOAt + h0 * L * Ev * 4, dOP + h0 * Lp * Evp * 4, nh, L, Ev, Lp, Evp);
      this.configure(a);
      for (let g = g0; g < g1; g++) {
        const b = Math.floor(g / Hkv);
        const hb = (g % Hkv) * group;
        const bh = g * group;
        pool.call(
          FN.backwardKvHead,
          qP + bh * Lp * Ep * 4, dOP + bh * Lp * Evp * 4, dqP + bh * Lp * Ep * 4, lseAt + bh * L * 8,
          dRowAt + bh * L * 4, wantMaskGrad ? dMaskAt + bh * L * S * 4 : 0,
          kP + g * Sp * Ep * 4, ktP + g * Ep * panels * 4, vtP + g * Evp * panels * 4, dkAt + g * S * E * 4, dvAt + g * S * Ev * 4,
          masks.fm(b, hb), masks.fmHead, masks.bm(b, hb), masks.bmHead, b, hb, group,
        );
      }
      pool.call(FN.unpack, dqP + h0 * Lp * Ep * 4, dqAt + h0 * L * E * 4, nh, L, E, Lp, Ep);
    });
    return backwardResults(w, a, staged, wantMaskGrad);
  }
}
