import type { AttentionArgs } from '../kernels/attention-args.js';
import { wasmRegions, type AttentionWasmExports } from '../kernels/attention-wasm.js';
import type { ParallelAttentionGrads } from './parallel-backend.js';
import { CALL_CAPACITY, FN } from './pool-protocol.js';
import type { ThreadPool } from './thread-pool.js';

// Fused attention split across a thread pool by units of one (batch, kv head): a kv head and
// the query heads that read it. A pool group (claimed by whichever thread comes free, see
// pool-protocol.ts) packs and computes a run of consecutive units and writes disjoint parts of
// every result, including the backward's dk/dv, which sum over the query heads of a unit. The
// memory layout and the calls are those of the single-threaded driver
// (kernels/attention-wasm-kernels.ts), on the pool's shared memory of the attention module,
// plus one scratch region per thread; results are identical to one thread.

const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

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
    const fs = a.floatMask?.strides ?? [0, 0, 0, 0];
    const bs = a.boolMask?.strides ?? [0, 0, 0, 0];
    // Keep iff bits >= p·2^32, i.e. bits >= ceil(p·2^32); above 2^32 - 1 nothing is kept.
    const threshold = Math.ceil(a.dropoutP * 4294967296);
    const keepScale = a.dropoutP < 1 && threshold <= 0xffffffff ? 1 / (1 - a.dropoutP) : 0;
    this.pool.call(
      FN.configure, a.lenQ, a.lenKv, a.dim, a.dimV, a.scale, a.causal ? 1 : 0, fs[2], fs[3], bs[2], bs[3],
      a.dropoutP > 0 ? 1 : 0, Math.min(threshold, 0xffffffff), keepScale, a.dropoutSeed >>> 0, 0,
    );
  }

  /** Copies the masks into their regions; returns the address functions for (b, h). */
  private placeMasks(a: AttentionArgs<Float32Array>, fmAt: number, bmAt: number) {
    const { fm, bm } = { fm: a.floatMask, bm: a.boolMask };
    if (fm) new Float32Array(this.w.memory.buffer).set(fm.data, fmAt / 4);
    if (bm) new Uint8Array(this.w.memory.buffer).set(bm.data, bmAt);
    return {
      fm: (b: number, h: number): number => (fm ? fmAt + 4 * (fm.offset + b * fm.strides[0] + h * fm.strides[1]) : 0),
      bm: (b: number, h: number): number => (bm ? bmAt + bm.offset + b * bm.strides[0] + h * bm.strides[1] : 0),
      fmHead: fm ? 4 * fm.strides[1] : 0,
      bmHead: bm ? bm.strides[1] : 0,
    };
  }

  /** Fused forward (checked args), or null when it does not split or memory cannot grow. */
  forward(a: AttentionArgs<Float32Array>): { out: Float32Array; lse: Float64Array } | null {
    const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev } = a;
    const threads = this.pool.threads;
    const outLength = B * Hq * L * Ev;
    const rowCount = B * Hq * L;
    if (B * Hkv < 2 || rowCount === 0 || S === 0) return null;
    const w = this.w;
    const [Lp, Sp, Ep, Evp] = [pad8(L), pad8(S), pad8(E), pad8(Ev)];
    const panels = Math.ceil(S / w.blockK()) * w.blockK();
    const regions = wasmRegions(w, [
      a.q.length * 4, a.k.length * 4, a.v.length * 4,
      B * Hq * Lp * Ep * 4, B * Hkv * Ep * panels * 4, B * Hkv * Sp * Evp * 4,
      outLength * 4, rowCount * 8,
      (a.floatMask?.data.length ?? 0) * 4, a.boolMask?.data.length ?? 0,
      ...new Array<number>(threads).fill(w.scratchBytes(Ep, Evp)),
    ]);
    if (regions === null) return null;
    const [qAt, kAt, vAt, qP, ktP, vP, outAt, lseAt, fmAt, bmAt, ...scratch] = regions;
    const f32 = new Float32Array(w.memory.buffer);
    f32.set(a.q, qAt / 4);
    f32.set(a.k, kAt / 4);
    f32.set(a.v, vAt / 4);
    f32.fill(0, outAt / 4, outAt / 4 + outLength);
    const masks = this.placeMasks(a, fmAt, bmAt);
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
    return {
      out: new Float32Array(w.memory.buffer, outAt, outLength).slice(),
      lse: new Float64Array(w.memory.buffer, lseAt, rowCount).slice(),
    };
  }

  /** Fused backward (checked args), or null as for {@link forward}. */
  backward(
    a: AttentionArgs<Float32Array>, out: Float32Array, lse: Float64Array, dOut: Float32Array, wantMaskGrad: boolean,
  ): ParallelAttentionGrads | null {
    const { batch: B, headsQ: Hq, headsKv: Hkv, lenQ: L, lenKv: S, dim: E, dimV: Ev } = a;
    const threads = this.pool.threads;
    if (B * Hkv < 2 || lse.length === 0 || S === 0) return null;
    const w = this.w;
    const maskLength = wantMaskGrad ? B * Hq * L * S : 0;
    const [Lp, Sp, Ep, Evp] = [pad8(L), pad8(S), pad8(E), pad8(Ev)];
    const panels = Math.ceil(S / w.blockK()) * w.blockK();
    const regions = wasmRegions(w, [
      a.q.length * 4, a.k.length * 4, a.v.length * 4, dOut.length * 4, out.length * 4,
      B * Hq * Lp * Ep * 4, B * Hkv * Sp * Ep * 4, B * Hkv * Ep * panels * 4, B * Hkv * Evp * panels * 4,
      B * Hq * Lp * Evp * 4, B * Hq * Lp * Ep * 4,
      a.q.length * 4, a.k.length * 4, a.v.length * 4, lse.length * 8, lse.length * 4, maskLength * 4,
      (a.floatMask?.data.length ?? 0) * 4, a.boolMask?.data.length ?? 0,
      ...new Array<number>(threads).fill(w.scratchBytes(Ep, Evp)),
    ]);
    if (regions === null) return null;
    const [qAt, kAt, vAt, dOAt, outAt, qP, kP, ktP, vtP, dOP, dqP, dqAt, dkAt, dvAt, lseAt, dRowAt, dMaskAt, fmAt, bmAt, ...scratch] =
      regions;
    const buffer = w.memory.buffer;
    const f32 = new Float32Array(buffer);
    f32.set(a.q, qAt / 4);
    f32.set(a.k, kAt / 4);
    f32.set(a.v, vAt / 4);
    f32.set(dOut, dOAt / 4);
    f32.set(out, outAt / 4);
    f32.fill(0, dqP / 4, dqP / 4 + B * Hq * Lp * Ep);
    if (wantMaskGrad) f32.fill(0, dMaskAt / 4, dMaskAt / 4 + maskLength);
    new Float64Array(buffer, lseAt, lse.length).set(lse);
    const masks = this.placeMasks(a, fmAt, bmAt);
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
    const grads = {
      dq: new Float32Array(buffer, dqAt, a.q.length).slice(),
      dk: new Float32Array(buffer, dkAt, a.k.length).slice(),
      dv: new Float32Array(buffer, dvAt, a.v.length).slice(),
    };
    return wantMaskGrad ? { ...grads, dMask: new Float32Array(buffer, dMaskAt, maskLength).slice() } : grads;
  }
}
