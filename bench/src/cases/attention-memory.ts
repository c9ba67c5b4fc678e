import { performance, PerformanceObserver } from 'node:perf_hooks';
import { collectGarbage, errorMessage } from '../harness.js';
import type { Peer } from '../peers/peer.js';
import { fmt, fmtBytes } from '../report.js';
import { attentionSpec } from './attention.js';
import type { BenchCase } from './case.js';

const D = 64;

interface Snapshot {
  readonly arrayBuffers: number;
  readonly heapUsed: number;
}

function snap(): Snapshot {
  const m = process.memoryUsage();
  return { arrayBuffers: m.arrayBuffers, heapUsed: m.heapUsed };
}

/** Counts garbage collections inside time windows, so a number a GC shrank can be flagged. */
class GcWatch {
  private readonly starts: number[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.starts.push(e.startTime);
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** GCs that started inside any of the windows; entries arrive asynchronously, hence async. */
  async countIn(windows: readonly (readonly [number, number])[]): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.starts.filter((t) => windows.some(([a, b]) => t >= a && t <= b)).length;
  }

  stop(): void {
    this.observer.disconnect();
  }
}

/** One measured (library, L) point. */
interface MemoryPoint {
  readonly lib: string;
  readonly length: number;
  /** ArrayBuffer growth over a collected baseline with no collection in between: ≥ the peak if no GC ran. */
  readonly peakArrayBuffers?: number;
  readonly peakHeapUsed?: number;
  /** ArrayBuffers still live after forward and a collection: output plus what backward saved. */
  readonly retainedAfterForward?: number;
  readonly ms?: number;
  readonly gcsDuring?: number;
  readonly error?: string;
}

async function probeTsgrad(length: number, gcw: GcWatch): Promise<MemoryPoint> {
  const mod = require('../peers/tsgrad.js') as typeof import('../peers/tsgrad.js');
  const steps = mod.tsgradAttentionSteps(attentionSpec([1, 1, length, D], 5000 + length), true);
  steps.forward(); // warm: first-call allocations (kernel setup, pools) are not per-call costs
  steps.backward();
  steps.reset();
  collectGarbage();
  const base = snap();
  const f0 = performance.now();
  steps.forward();
  const f1 = performance.now();
  const afterForward = snap();
  collectGarbage();
  const retained = snap();
  const b0 = performance.now();
  steps.backward();
  const b1 = performance.now();
  const afterBackward = snap();
  steps.reset();
  collectGarbage();
  return {
    lib: 'tsgrad',
    length,
    peakArrayBuffers: Math.max(afterForward.arrayBuffers, afterBackward.arrayBuffers) - base.arrayBuffers,
    peakHeapUsed: Math.max(afterForward.heapUsed, afterBackward.heapUsed) - base.heapUsed,
    retainedAfterForward: retained.arrayBuffers - base.arrayBuffers,
    ms: f1 - f0 + (b1 - b0),
    gcsDuring: await gcw.countIn([
      [f0, f1],
      [b0, b1],
    ]),
  };
}

// A composed-ops peer as the quadratic reference. Its runner frees its tensors at the end of
// run(), so only the growth before any collection (the allocation total) is measurable.
async function probePeer(peer: Peer, length: number, gcw: GcWatch): Promise<MemoryPoint> {
  const runner = await peer.attention(attentionSpec([1, 1, length, D], 5000 + length));
  try {
    await runner.prepare?.();
    await runner.run();
    collectGarbage();
    const base = snap();
    const t0 = performance.now();
    await runner.run();
    const t1 = performance.now();
    const after = snap();
    return {
      lib: peer.name,
      length,
      peakArrayBuffers: after.arrayBuffers - base.arrayBuffers,
      peakHeapUsed: after.heapUsed - base.heapUsed,
      ms: t1 - t0,
      gcsDuring: await gcw.countIn([[t0, t1]]),
    };
  } finally {
    runner.dispose();
    collectGarbage();
  }
}

function rowsOf(points: readonly MemoryPoint[]): string[][] {
  return points.map((p, i) => {
    if (p.error !== undefined) return [p.lib, String(p.length), `failed: ${p.error}`, '', '', '', '', '', ''];
    const prev = points[i - 1];
    const growth =
      prev && prev.lib === p.lib && prev.peakArrayBuffers && p.peakArrayBuffers
        ? `${fmt(p.peakArrayBuffers / prev.peakArrayBuffers)}×`
        : '';
    const perL = (b: number | undefined): string => (b === undefined ? '—' : fmt(b / p.length));
    return [
      p.lib,
      String(p.length),
      fmtBytes(p.peakArrayBuffers ?? 0),
      perL(p.peakArrayBuffers),
      growth,
      p.retainedAfterForward === undefined ? '—' : fmtBytes(p.retainedAfterForward),
      perL(p.retainedAfterForward),
      fmt(p.ms ?? NaN),
      String(p.gcsDuring ?? ''),
    ];
  });
}

/** Extra memory of attention forward + backward as L = S grows: linear or quadratic? */
export const attentionMemory: BenchCase = {
  name: 'attention-memory',
  summary: "extra memory of tsgrad's attention forward + backward at L = S = 1024, 2048, 4096",
  async run(ctx) {
    const lengths = ctx.quick ? [1024, 2048] : [1024, 2048, 4096];
    const gcExposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
    const gcw = new GcWatch();
    const points: MemoryPoint[] = [];
    const tsgrad = ctx.peers.find((p) => p.name === 'tsgrad');
    // tfjs-cpu keeps tensors in JS ArrayBuffers (visible to memoryUsage); the wasm peers keep
    // them in a WebAssembly memory that only grows, so they are left out. It is slow at large
    // L, hence only the smaller sizes and only in full runs.
    const reference = ctx.quick ? undefined : ctx.peers.find((p) => p.name === 'tfjs-cpu');
    try {
      for (const length of lengths) {
        ctx.log(`attention-memory L=${length}`);
        if (tsgrad) {
          points.push(await probeTsgrad(length, gcw).catch((e: unknown) => failed('tsgrad', length, e)));
        }
      }
      for (const length of lengths.filter((l) => l <= 2048)) {
        if (!reference) break;
        ctx.log(`attention-memory ${reference.name} L=${length}`);
        points.push(await probePeer(reference, length, gcw).catch((e: unknown) => failed(reference.name, length, e)));
      }
    } finally {
      gcw.stop();
    }
    const matrix = (l: number): string => fmtBytes(4 * l * l);
    return {
      kind: 'table',
      name: 'attention-memory',
      title: 'Attention forward + backward, extra memory (B=1, H=1, d=64, causal)',
      columns: ['library', 'L=S', 'peak est.', 'B per L', '× prev L', 'retained after fwd', 'B per L', 'fwd+bwd ms', 'GCs during'],
      rows: rowsOf(points),
      notes: [
        'peak est.: growth of process.memoryUsage().arrayBuffers from a collected baseline, no collection in',
        'between (forward alone, or retained forward + backward): the live peak if no GC ran during the call',
        '(see GCs during), an upper bound otherwise. Linear memory doubles per doubling of L (×2, constant',
        `B per L); quadratic memory quadruples (×4). One L×S float32 matrix: ${lengths.map((l) => `${matrix(l)} at ${l}`).join(', ')}.`,
        `retained after fwd: output plus what backward saved, after gc().${gcExposed ? '' : ' gc() was NOT exposed (run node with --expose-gc): figures include older garbage.'}`,
      ],
      data: points,
    };
  },
};

function failed(lib: string, length: number, e: unknown): MemoryPoint {
  return { lib, length, error: errorMessage(e) };
}
