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
  /** External memory outside ArrayBuffers: chiefly WebAssembly memories, which never shrink. */
  readonly wasm: number;
}

function snap(): Snapshot {
  const m = process.memoryUsage();
  return { arrayBuffers: m.arrayBuffers, heapUsed: m.heapUsed, wasm: m.external - m.arrayBuffers };
}

/**
 * Collects garbage until the ArrayBuffer total stops moving: V8 frees ArrayBuffer backing
 * stores on a background sweeper after gc() returns, so one gc() leaves stale totals.
 */
async function settle(): Promise<Snapshot> {
  let last = snap();
  for (let i = 0; i < 20; i++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const now = snap();
    if (now.arrayBuffers === last.arrayBuffers) return now;
    last = now;
  }
  return last;
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
  /** Growth of WebAssembly memory during the first call at this L (its high-water mark rising). */
  readonly wasmGrowth?: number;
  readonly ms?: number;
  readonly gcsDuring?: number;
  readonly error?: string;
}

async function probeTsgrad(length: number, gcw: GcWatch): Promise<MemoryPoint> {
  const mod = require('../peers/tsgrad.js') as typeof import('../peers/tsgrad.js');
  const steps = mod.tsgradAttentionSteps(attentionSpec([1, 1, length, D], 5000 + length), true);
  // Warm-up call: one-time setup (module compilation, pools) is not a per-call cost, but a
  // WebAssembly memory grows here and never shrinks, so its growth is recorded now.
  const cold = snap();
  steps.forward();
  steps.backward();
  const wasmGrowth = snap().wasm - cold.wasm;
  steps.reset();
  const base = await settle();
  const f0 = performance.now();
  steps.forward();
  const f1 = performance.now();
  const afterForward = snap();
  const retained = await settle();
  const b0 = performance.now();
  steps.backward();
  const b1 = performance.now();
  const afterBackward = snap();
  steps.reset();
  await settle();
  return {
    lib: 'tsgrad',
    length,
    peakArrayBuffers: Math.max(afterForward.arrayBuffers, afterBackward.arrayBuffers) - base.arrayBuffers,
    peakHeapUsed: Math.max(afterForward.heapUsed, afterBackward.heapUsed) - base.heapUsed,
    retainedAfterForward: retained.arrayBuffers - base.arrayBuffers,
    wasmGrowth,
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
    const base = await settle();
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
    await settle();
  }
}

function rowsOf(points: readonly MemoryPoint[]): string[][] {
  return points.map((p, i) => {
    if (p.error !== undefined) return [p.lib, String(p.length), `failed: ${p.error}`, '', '', '', '', '', '', ''];
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
      p.wasmGrowth === undefined ? '—' : fmtBytes(p.wasmGrowth),
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
      columns: [
        'library',
        'L=S',
        'peak est.',
        'B per L',
        '× prev L',
        'retained after fwd',
        'B per L',
        'wasm growth',
        'fwd+bwd ms',
        'GCs during',
      ],
      rows: rowsOf(points),
      notes: [
        'peak est.: growth of process.memoryUsage().arrayBuffers from a collected baseline, no collection in',
        'between (forward alone, or retained forward + backward): the live peak if no GC ran during the call',
        '(see GCs during), an upper bound otherwise. Linear memory doubles per doubling of L (×2, constant',
        `B per L); quadratic memory quadruples (×4). One L×S float32 matrix: ${lengths.map((l) => `${matrix(l)} at ${l}`).join(', ')}.`,
        `retained after fwd: output plus what backward saved, after gc().${gcExposed ? '' : ' gc() was NOT exposed (run node with --expose-gc): figures include older garbage.'}`,
        'wasm growth: growth of WebAssembly memory (external − arrayBuffers) during the first call at this L;',
        'it never shrinks, so this is what this L needed beyond the high-water mark of the sizes before it.',
      ],
      data: points,
    };
  },
};

function failed(lib: string, length: number, e: unknown): MemoryPoint {
  return { lib, length, error: errorMessage(e) };
}
