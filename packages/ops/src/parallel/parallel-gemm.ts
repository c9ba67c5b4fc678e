import type { GemmArgs } from '../kernels/gemm-types.js';
import { itemAt, place, placement, stage, unstage } from '../kernels/gemm-staging.js';
import { outputLayout } from './gemm-output-layout.js';
import { FN } from './pool-protocol.js';
import type { ThreadPool } from './thread-pool.js';

// The float32 GEMM split across a thread pool. The operands are copied once into the shared
// memory of the gemm module (as the single-threaded driver copies them into its own), the
// unchanged kernel runs on parts of the product with a packing workspace per thread, and C is
// copied back. The parts are groups that threads claim as they come free (pool-protocol.ts):
//   - row bands: a band of C's rows (a multiple of the 5-row register tile) through every item,
//     items in order, so items that write one shared C still accumulate in order;
//   - column bands: a band of C's columns (a multiple of the 8-column register tile) through
//     every item, when C is wider than tall: each thread then packs only its share of B, where
//     row bands would each pack all of it (Xᵀ·dY of a linear layer: 64 x 256 from k = 1024);
//   - runs of whole items, when the items write disjoint parts of C and there are enough of
//     them (no B panel packed twice).
// Both give results identical to one thread, because the kernel computes each element of C the
// same way whichever rows or items a call covers. A few groups per thread balance the load when
// one thread starts late or runs slower.

/** Rows of the kernel's register tile (assembly/gemm-f32-tile.ts): row bands are multiples. */
const MR = 5;
/** Columns of the register tile: column bands are multiples. */
const NR = 8;
/** Groups per thread, at most: enough to rebalance, few enough that B is packed rarely. */
const GROUPS_PER_THREAD = 2;
/** Rows per band, about at least: below, packing B for every band costs more than it balances. */
const MIN_BAND_ROWS = 40;

/** The exports of assembly/gemm-f32.ts. */
interface GemmExports {
  memory: WebAssembly.Memory;
  workspaceBytes(): number;
  heapBase(): number;
}

const align64 = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/** Plans and runs float32 GEMMs on a pool's gemm module. */
export class ParallelGemm {
  private readonly pool: ThreadPool;
  private readonly memory: WebAssembly.Memory;
  /** Byte address of each thread's packing workspace. */
  private readonly work: number[];
  /** First byte after the workspaces: operands go here. */
  private readonly heap: number;
  private f32: Float32Array;

  constructor(pool: ThreadPool) {
    const exports = pool.exports.gemm as unknown as GemmExports | undefined;
    if (exports === undefined) throw new Error('ParallelGemm: the pool has no gemm module');
    this.pool = pool;
    this.memory = exports.memory;
    const start = align64(exports.heapBase());
    const size = align64(exports.workspaceBytes());
    this.work = Array.from({ length: pool.threads }, (_, t) => start + t * size);
    this.heap = start + pool.threads * size;
    this.f32 = new Float32Array(this.memory.buffer);
  }

  /** Grows the shared memory to `bytes`; false when it cannot. */
  private reserve(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      try {
        this.memory.grow(Math.ceil((bytes - have) / 65536));
      } catch {
        return false;
      }
    }
    if (this.f32.buffer.byteLength !== this.memory.buffer.byteLength) this.f32 = new Float32Array(this.memory.buffer);
    return true;
  }

  /**
   * Runs `bands` groups, band `i` calling `queueBand(t, i)` for every item t in order (items
   * writing one shared C then accumulate in order), in jobs over as many items as fit.
   */
  private runBands(bands: number, batch: number, queueBand: (t: number, band: number) => void): void {
    const pool = this.pool;
    const chunk = Math.floor(pool.room / bands);
    for (let t0 = 0; t0 < batch; t0 += chunk) {
      const t1 = Math.min(batch, t0 + chunk);
      for (let i = 0; i < bands; i++) {
        pool.group();
        for (let t = t0; t < t1; t++) queueBand(t, i);
      }
      pool.run();
    }
  }

  /**
   * Computes `args` (checked, float32, m, n, k, batch >= 1) on every thread of the pool and
   * returns true; false, having changed nothing, when the split cannot be made safely (items
   * whose C blocks partly overlap, or too few rows and items to share) or memory cannot grow.
   */
  run(args: GemmArgs<Float32Array>, batch: number): boolean {
    const { m, n, k, a, b, c, aRowStride, aColStride, bRowStride, bColStride, cRowStride } = args;
    const threads = this.pool.threads;
    const layout = outputLayout(args.cOffsets, batch, (m - 1) * cRowStride + n);
    if (layout === 'overlapping') return false;
    const byItems = layout === 'disjoint' && batch >= threads && (batch % threads === 0 || batch >= 4 * threads || m < 2 * MR);
    const byColumns = !byItems && n > m && n >= 2 * NR * threads;
    if (!byItems && !byColumns && m < 2 * MR) return false;

    const pa = place(placement(), args.aOffsets, batch, m, k, aRowStride, aColStride);
    const pb = place(placement(), args.bOffsets, batch, k, n, bRowStride, bColStride);
    const pc = place(placement(), args.cOffsets, batch, m, n, cRowStride, 1);
    const aAt = this.heap >> 2;
    const bAt = aAt + ((pa.size + 15) & ~15);
    const cAt = bAt + ((pb.size + 15) & ~15);
    if (!this.reserve((cAt + pc.size) * 4)) return false;
    const f32 = this.f32;
    stage(f32, aAt, pa, a, args.aOffsets, batch, m, k, aRowStride, aColStride);
    stage(f32, bAt, pb, b, args.bOffsets, batch, k, n, bRowStride, bColStride);
    const gapless = pc.size === batch * m * n && (m === 1 || cRowStride === n);
    if (args.accumulate || (pc.window && !gapless)) stage(f32, cAt, pc, c, args.cOffsets, batch, m, n, cRowStride, 1);

    const ars = pa.window ? aRowStride : k;
    const acs = pa.window ? aColStride : 1;
    const brs = pb.window ? bRowStride : n;
    const bcs = pb.window ? bColStride : 1;
    const crs = pc.window ? cRowStride : n;
    const alpha = args.alpha ?? 1;
    const acc = args.accumulate ? 1 : 0;
    const pool = this.pool;
    pool.setWork(this.work);
    // Queues rows [r0, r1) of item t.
    const queue = (t: number, r0: number, r1: number): void => {
      const aPtr = itemAt(pa, aAt, args.aOffsets, t, m * k) + r0 * ars;
      const bPtr = itemAt(pb, bAt, args.bOffsets, t, k * n);
      const cPtr = itemAt(pc, cAt, args.cOffsets, t, m * n) + r0 * crs;
      pool.call(FN.gemm, r1 - r0, n, k, aPtr * 4, ars, acs, bPtr * 4, brs, bcs, cPtr * 4, crs, alpha, acc, 0);
    };
    // Queues columns [j0, j1) of item t.
    const queueColumns = (t: number, j0: number, j1: number): void => {
      const aPtr = itemAt(pa, aAt, args.aOffsets, t, m * k);
      const bPtr = itemAt(pb, bAt, args.bOffsets, t, k * n) + j0 * bcs;
      const cPtr = itemAt(pc, cAt, args.cOffsets, t, m * n) + j0;
      pool.call(FN.gemm, m, j1 - j0, k, aPtr * 4, ars, acs, bPtr * 4, brs, bcs, cPtr * 4, crs, alpha, acc, 0);
    };
    const room = pool.room;
    if (byItems) {
      const runs = Math.min(batch, GROUPS_PER_THREAD * threads);
      // Jobs of at most `room` items, each cut into `runs` groups of consecutive items.
      for (let t0 = 0; t0 < batch; t0 += room) {
        const items = Math.min(room, batch - t0);
        for (let r = 0; r < runs; r++) {
          const end = t0 + Math.floor(((r + 1) * items) / runs);
          const start = t0 + Math.floor((r * items) / runs);
          if (start === end) continue;
          pool.group();
          for (let t = start; t < end; t++) queue(t, 0, m);
        }
        pool.run();
      }
    } else if (byColumns) {
      const width = Math.ceil(n / (GROUPS_PER_THREAD * threads) / NR) * NR;
      this.runBands(Math.ceil(n / width), batch, (t, j) => queueColumns(t, j * width, Math.min(n, (j + 1) * width)));
    } else {
      const perThread = Math.max(1, Math.min(GROUPS_PER_THREAD, Math.floor(m / (MIN_BAND_ROWS * threads))));
      const band = Math.ceil(m / (perThread * threads) / MR) * MR;
      this.runBands(Math.ceil(m / band), batch, (t, r) => queue(t, r * band, Math.min(m, (r + 1) * band)));
    }
    unstage(f32, cAt, pc, c, args.cOffsets, batch, m, n, cRowStride);
    return true;
  }
}
