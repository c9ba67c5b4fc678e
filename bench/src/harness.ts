import { performance } from 'node:perf_hooks';
import type { Runner } from './peers/peer.js';

/** How a row of a benchmark is timed. */
export interface TimingOptions {
  /**
   * Untimed runs per library before timing (JIT compilation, caches, allocator warm-up).
   * Warm-up also lasts at least `warmupMs`, and stops at a quarter of `maxRowMs`.
   */
  readonly warmup: number;
  /** Minimum warm-up time: V8 needs many calls of fast work before it optimises it. */
  readonly warmupMs: number;
  /** Timed samples per library (fewer when one run is slower than `maxRowMs` allows). */
  readonly reps: number;
  /** Never fewer samples than this, whatever `maxRowMs` says. */
  readonly minReps: number;
  /** A sample repeats the work until it lasts at least this long (timer resolution, noise). */
  readonly minSampleMs: number;
  /** Soft time budget per library per row; slow libraries get fewer samples. */
  readonly maxRowMs: number;
  /**
   * Runs shorter than this get one untimed run right before each sample (see timedSample), and
   * so does every run of a stateful row; 0: never. For slower runs a cold start is lost in
   * their own run-to-run spread, and a second run would only eat the time budget.
   */
  readonly rewarmBelowMs: number;
  /** One run per sample, no repetition: for stateful work such as optimizer steps. */
  readonly singleRunSamples?: boolean;
}

/** A library's way to build a Runner for one row. */
export interface Contender {
  readonly lib: string;
  setup(): Runner | Promise<Runner>;
}

/** A library's timing for one row, or why it has none. */
export type LibTiming =
  | {
      readonly lib: string;
      readonly ok: true;
      /** Median time of one run, milliseconds. */
      readonly medianMs: number;
      readonly minMs: number;
      readonly maxMs: number;
      /** Per-run time of each sample, in the order taken. */
      readonly samplesMs: readonly number[];
      /** Runs per sample. */
      readonly inner: number;
    }
  | { readonly lib: string; readonly ok: false; readonly error: string };

/** A Runner that set up, or the error that stopped it. */
export type Prepared =
  | { readonly lib: string; readonly runner: Runner }
  | { readonly lib: string; readonly error: string };

/** The message of whatever was thrown, on one line. */
export function errorMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0] ?? text;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs every setup, turning a throw into that library's error. */
export async function setupAll(contenders: readonly Contender[]): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  for (const c of contenders) {
    try {
      prepared.push({ lib: c.lib, runner: await c.setup() });
    } catch (e) {
      prepared.push({ lib: c.lib, error: `setup failed: ${errorMessage(e)}` });
    }
  }
  return prepared;
}

/** Calls gc() when node runs with --expose-gc, so one library's garbage is not billed to the next. */
export function collectGarbage(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
}

interface Active {
  readonly lib: string;
  readonly runner: Runner;
  readonly inner: number;
  /** Whether each sample starts with one untimed run. */
  readonly rewarm: boolean;
  readonly reps: number;
  readonly samples: number[];
  error?: string;
}

async function runOnce(runner: Runner): Promise<void> {
  // Only await real promises: a microtask per call would bill synchronous libraries for it.
  const r = runner.run();
  if (r) await r;
}

async function prepareRunner(runner: Runner): Promise<void> {
  const p = runner.prepare?.();
  if (p) await p;
}

async function releaseRunner(runner: Runner): Promise<void> {
  const p = runner.release?.();
  if (p) await p;
}

async function timedSample(a: Active): Promise<number> {
  await prepareRunner(a.runner);
  try {
    // Interleaving would otherwise bill a library for collecting the previous one's garbage.
    collectGarbage();
    // That collection can hand freed ArrayBuffer memory back to the system; a library whose
    // tensors live in JavaScript memory (tsgrad, tfjs-cpu) would fault every page of its
    // working set in again during the timed run (measured: ~3000 page faults and 36 -> 60 ms
    // for tsgrad's GPT step), while one whose tensors live in a WebAssembly memory keeps its
    // pages. One untimed run first brings every library back to its steady state.
    if (a.rewarm) await runOnce(a.runner);
    const t0 = performance.now();
    for (let i = 0; i < a.inner; i++) await runOnce(a.runner);
    return (performance.now() - t0) / a.inner;
  } finally {
    // A library's global state (a worker pool) must be gone before the next library's sample.
    await releaseRunner(a.runner);
  }
}

async function warmUp(lib: string, runner: Runner, opts: TimingOptions): Promise<Active> {
  let best = Infinity;
  let spent = 0;
  // A library that needs seconds per run is warm after one: more would only eat the budget.
  const enough = (i: number): boolean =>
    spent >= opts.maxRowMs / 4 || (i >= Math.max(1, opts.warmup) && (opts.singleRunSamples || spent >= opts.warmupMs));
  try {
    for (let i = 0; !enough(i); i++) {
      await prepareRunner(runner);
      const t0 = performance.now();
      await runOnce(runner);
      const dt = performance.now() - t0;
      best = Math.min(best, dt);
      spent += dt;
    }
  } finally {
    await releaseRunner(runner);
  }
  const inner = opts.singleRunSamples ? 1 : Math.max(1, Math.ceil(opts.minSampleMs / Math.max(best, 1e-3)));
  const affordable = Math.floor(opts.maxRowMs / Math.max(best * inner, 1e-3));
  const reps = Math.max(opts.minReps, Math.min(opts.reps, affordable));
  // Stateful rows (training steps) re-warm every library, so all take the same number of steps.
  const rewarm = opts.rewarmBelowMs > 0 && (opts.singleRunSamples === true || best < opts.rewarmBelowMs);
  return { lib, runner, inner, rewarm, reps, samples: [] };
}

/**
 * Times every prepared runner round-robin: one sample of each library per round, the
 * starting library rotating each round, so slow drift in machine load (other processes,
 * thermal state) is spread over all libraries instead of landing on one. Disposes the
 * runners at the end. Results come back in the order given.
 */
export async function timeInterleaved(prepared: readonly Prepared[], opts: TimingOptions): Promise<LibTiming[]> {
  const active: Active[] = [];
  const failed = new Map<string, string>();
  for (const p of prepared) {
    if ('error' in p) {
      failed.set(p.lib, p.error);
      continue;
    }
    try {
      active.push(await warmUp(p.lib, p.runner, opts));
    } catch (e) {
      failed.set(p.lib, `warm-up failed: ${errorMessage(e)}`);
      p.runner.dispose();
    }
  }
  const rounds = Math.max(0, ...active.map((a) => a.reps));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < active.length; j++) {
      const a = active[(r + j) % active.length];
      if (a.error !== undefined || a.samples.length >= a.reps) continue;
      try {
        a.samples.push(await timedSample(a));
      } catch (e) {
        a.error = `run failed: ${errorMessage(e)}`;
      }
    }
  }
  for (const a of active) a.runner.dispose();
  collectGarbage();
  return prepared.map((p): LibTiming => {
    const why = failed.get(p.lib);
    if (why !== undefined) return { lib: p.lib, ok: false, error: why };
    const a = active.find((x) => x.lib === p.lib);
    if (!a || a.error !== undefined) return { lib: p.lib, ok: false, error: a?.error ?? 'not run' };
    return {
      lib: p.lib,
      ok: true,
      medianMs: median(a.samples),
      minMs: Math.min(...a.samples),
      maxMs: Math.max(...a.samples),
      samplesMs: a.samples,
      inner: a.inner,
    };
  });
}

/** Sets up and times a row. */
export async function measure(contenders: readonly Contender[], opts: TimingOptions): Promise<LibTiming[]> {
  return timeInterleaved(await setupAll(contenders), opts);
}
