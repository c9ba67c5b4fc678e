/** Which half of an op a timing covers. */
export type OpPhase = 'forward' | 'backward';

/**
 * Receives one timing per op call while installed with {@link setOpTimer}: the op's name, the
 * phase, and `performance.now()` at its start and end. Spans nest: a backward written with ops
 * (a linear layer's, calling matmul) encloses their own spans, so a profiler subtracts the
 * spans inside a span to get its self time.
 */
export type OpTimer = (op: string, phase: OpPhase, startMs: number, endMs: number) => void;

let timer: OpTimer | null = null;

/**
 * Installs a callback timed around every registered op's forward and backward (or, with
 * null, removes it): a profiling hook, like a minimal `torch.profiler`. Costs one check per op
 * while none is installed.
 * ```ts
 * const spans: [string, number][] = [];
 * setOpTimer((op, phase, start, end) => spans.push([`${op} ${phase}`, end - start]));
 * loss.backward();
 * setOpTimer(null);
 * ```
 */
export function setOpTimer(next: OpTimer | null): void {
  timer = next;
}

/** Runs `fn`, reporting its span to the installed timer, if any. */
export function timeOp<T>(op: string, phase: OpPhase, fn: () => T): T {
  const current = timer;
  if (current === null) return fn();
  const start = performance.now();
  try {
    return fn();
  } finally {
    current(op, phase, start, performance.now());
  }
}
