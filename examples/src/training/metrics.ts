/// <reference types="node" />
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

/** One line of `metrics.jsonl`. */
export type MetricsRecord =
  | { type: 'train'; step: number; loss: number; lr: number; gradNorm: number; tokensPerSec: number; elapsedSec: number }
  | { type: 'eval'; step: number; valLoss: number; valAccuracy: number; elapsedSec: number };

/**
 * The JSONL metrics log of a run: one JSON object per line, appended as training goes.
 * A resumed run first drops the records after its checkpoint's step (written by the
 * interrupted run after its last checkpoint) so the log reads like one uninterrupted run.
 */
export class MetricsLog {
  private constructor(readonly path: string) {}

  /** Starts a fresh log at `path`. */
  static create(path: string): MetricsLog {
    writeFileSync(path, '');
    return new MetricsLog(path);
  }

  /** Continues the log at `path`, keeping only records up to `step`. */
  static resume(path: string, step: number): MetricsLog {
    let kept: string[] = [];
    try {
      kept = readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => {
          if (line.trim() === '') return false;
          try {
            return (JSON.parse(line) as { step?: number }).step! <= step;
          } catch {
            return false;
          }
        });
    } catch {
      // No log yet (the checkpoint was copied without it): start one.
    }
    writeFileSync(path, kept.map((l) => `${l}\n`).join(''));
    return new MetricsLog(path);
  }

  /** Appends one record. */
  append(record: MetricsRecord): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }
}

/** Reads every record of a metrics log (tests and tools). */
export function readMetrics(file: string): MetricsRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MetricsRecord);
}
