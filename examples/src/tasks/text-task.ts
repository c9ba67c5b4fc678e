import type { Generator } from '@tsgrad/core';
import { CliError } from '../errors.js';
import { fnv1a } from './sequence-task.js';
import type { Batch, TextTask } from './task.js';
import { CharTokenizer } from './tokenizer.js';

/** Options of a character-level text task. */
export interface TextTaskOptions {
  /** The file's text. */
  text: string;
  /** Where it came from (stored in checkpoints, shown in errors). */
  dataPath: string;
  /** Tokens per training row. */
  blockSize: number;
  /** Fraction of the text (its end) kept for validation. */
  valFraction: number;
  /** Rows of the fixed validation set. */
  evalSize: number;
}

/** A fingerprint of a data file, so a resumed run can tell that the file changed. */
export function textFingerprint(text: string): string {
  return `${text.length}:${fnv1a(text).toString(16)}`;
}

/**
 * Character-level language modelling: the first `1 - valFraction` of the text trains, the
 * rest validates. Training rows are random windows; validation rows are evenly spaced
 * windows of the validation split, the same every time.
 */
export function createTextTask(opts: TextTaskOptions): TextTask {
  const { text, blockSize, dataPath } = opts;
  const tokenizer = CharTokenizer.fromText(text);
  const ids = Int32Array.from(tokenizer.encode(text));
  const valSize = Math.floor(ids.length * opts.valFraction);
  const trainSize = ids.length - valSize;
  const need = blockSize + 1;
  if (trainSize < need || valSize < need) {
    throw new CliError(
      `data file ${dataPath} is too short: ${ids.length} characters split into ${trainSize} for training and ${valSize} for validation; ` +
        `each split needs at least ${need} (context ${blockSize} + 1)`,
    );
  }
  const train = ids.subarray(0, trainSize);
  const val = ids.subarray(trainSize);

  const windows = (source: Int32Array, starts: readonly number[]): Batch => {
    const rows = starts.length;
    const idx = new Int32Array(rows * blockSize);
    const targets = new Int32Array(rows * blockSize);
    starts.forEach((s, r) => {
      idx.set(source.subarray(s, s + blockSize), r * blockSize);
      targets.set(source.subarray(s + 1, s + 1 + blockSize), r * blockSize);
    });
    return { idx, targets, rows, time: blockSize };
  };

  const lastStart = valSize - need;
  const valRows = Math.min(opts.evalSize, lastStart + 1);
  const valStarts = Array.from({ length: valRows }, (_, i) => (valRows === 1 ? 0 : Math.round((i * lastStart) / (valRows - 1))));

  return {
    kind: 'text',
    tokenizer,
    blockSize,
    trainSize,
    valSize,
    info: {
      name: 'text',
      dataPath,
      valFraction: opts.valFraction,
      evalSize: opts.evalSize,
      chars: ids.length,
      fingerprint: textFingerprint(text),
    },
    trainBatch(generator: Generator, rows: number) {
      const starts = Array.from({ length: rows }, () => generator.integer(0, trainSize - need + 1));
      return windows(train, starts);
    },
    validationBatches(rows: number) {
      const batches: Batch[] = [];
      for (let i = 0; i < valStarts.length; i += rows) batches.push(windows(val, valStarts.slice(i, i + rows)));
      return batches;
    },
  };
}
