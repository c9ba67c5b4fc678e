import type { OutputStream } from '../io.js';

/** What one training step reports. */
export interface StepReport {
  /** Steps completed so far (1-based after the first step). */
  step: number;
  loss: number;
  lr: number;
  /** Tokens the step trained on. */
  tokens: number;
  /** Wall-clock seconds the step took. */
  seconds: number;
}

/** Options of the progress reporter. */
export interface ProgressOptions {
  totalSteps: number;
  /** Print a plain line every this many steps when not on a terminal. */
  logEvery: number;
  /** Redraw one line with `\r` (a terminal) instead of printing lines. */
  live: boolean;
  /** Clock in milliseconds, injectable for tests. */
  now?: () => number;
}

/** `1m05s`, `42s`, `1h02m`: compact durations for the ETA. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `950`, `12.3k`, `1.20M`. */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

/**
 * The training progress display: step, loss, learning rate, tokens per second and ETA. On a
 * terminal one line is redrawn in place (at most ten times a second); elsewhere (a pipe, a
 * log file, CI) a plain line is printed every `logEvery` steps.
 */
export class ProgressReporter {
  private seconds = 0;
  private tokens = 0;
  private steps = 0;
  private lastDraw = -Infinity;
  private lineShown = false;
  private readonly now: () => number;

  constructor(
    private readonly out: OutputStream,
    private readonly opts: ProgressOptions,
  ) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** Records a finished step and shows it if it is time to. */
  update(report: StepReport): void {
    this.seconds += report.seconds;
    this.tokens += report.tokens;
    this.steps += 1;
    const last = report.step === this.opts.totalSteps;
    if (this.opts.live) {
      const t = this.now();
      if (!last && t - this.lastDraw < 100) return;
      this.lastDraw = t;
      this.out.write(`\r${this.format(report)}\x1b[K`);
      this.lineShown = true;
    } else if (last || report.step % this.opts.logEvery === 0) {
      this.out.write(`${this.format(report)}\n`);
    }
  }

  /** Prints a line of its own (evaluation results, checkpoint notices) above the live line. */
  message(line: string): void {
    if (this.lineShown) {
      this.out.write('\r\x1b[K');
      this.lineShown = false;
      this.lastDraw = -Infinity;
    }
    this.out.write(`${line}\n`);
  }

  /** Ends the live line so that what follows starts on a fresh line. */
  finish(): void {
    if (this.lineShown) this.out.write('\n');
    this.lineShown = false;
  }

  /** The status line of a step. */
  format(r: StepReport): string {
    const width = String(this.opts.totalSteps).length;
    const perStep = this.steps > 0 ? this.seconds / this.steps : NaN;
    const tokensPerSecond = this.seconds > 0 ? this.tokens / this.seconds : 0;
    const eta = (this.opts.totalSteps - r.step) * perStep;
    return [
      `step ${String(r.step).padStart(width)}/${this.opts.totalSteps}`,
      `loss ${r.loss.toFixed(4)}`,
      `lr ${r.lr.toExponential(2)}`,
      `${formatCount(tokensPerSecond)} tok/s`,
      `ETA ${formatDuration(eta)}`,
    ].join(' | ');
  }
}
