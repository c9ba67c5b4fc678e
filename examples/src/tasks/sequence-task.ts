import { Generator } from '@tsgrad/core';
import { DIGIT_TASKS } from './digit-tasks.js';
import { IGNORE_INDEX, type Batch, type Example, type SequenceTask } from './task.js';
import { CharTokenizer } from './tokenizer.js';

/** The alphabet shared by every digit task, so any of their checkpoints reads any prompt. */
export const DIGIT_ALPHABET = [...'0123456789+='];

/** One input in ten is held out for validation, decided by a hash of the input itself. */
const HELD_OUT_PER_100 = 10;

/** FNV-1a over UTF-16 units: a stable, seed-free hash for the train/validation split. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Whether a problem belongs to the validation split (never drawn for training). */
export function isHeldOut(input: string): boolean {
  return fnv1a(input) % 100 < HELD_OUT_PER_100;
}

/** Options of a digit task. */
export interface SequenceTaskOptions {
  name: keyof typeof DIGIT_TASKS;
  /** Digits per operand. */
  length: number;
  /** Number of held-out problems accuracy is measured on. */
  evalSize: number;
  /** Seed of the validation problems (the training stream has its own generator). */
  seed: number;
}

/** Builds a digit task (copy, reverse, sort, add): data `input=answer`, loss on the answer only. */
export function createSequenceTask(opts: SequenceTaskOptions): SequenceTask {
  const rule = DIGIT_TASKS[opts.name];
  const n = opts.length;
  const tokenizer = new CharTokenizer(DIGIT_ALPHABET);
  const inputLength = rule.inputLength(n);
  const answerLength = rule.answerLength(n);
  const promptLength = inputLength + 1;
  const blockSize = promptLength + answerLength - 1;

  const draw = (generator: Generator, heldOut: boolean): string => {
    for (;;) {
      const input = rule.randomInput(generator, n);
      if (isHeldOut(input) === heldOut) return input;
    }
  };

  const batchOf = (examples: readonly Example[]): Batch => {
    const rows = examples.length;
    const idx = new Int32Array(rows * blockSize);
    const targets = new Int32Array(rows * blockSize).fill(IGNORE_INDEX);
    examples.forEach((ex, r) => {
      const ids = tokenizer.encode(`${ex.input}=${ex.answer}`);
      for (let t = 0; t < blockSize; t++) {
        idx[r * blockSize + t] = ids[t]!;
        // Position t predicts token t + 1; only the answer's tokens carry loss.
        if (t + 1 >= promptLength) targets[r * blockSize + t] = ids[t + 1]!;
      }
    });
    return { idx, targets, rows, time: blockSize };
  };

  const validationExamples = heldOutExamples(opts.evalSize, opts.seed, (g) => draw(g, true)).map((input) => ({
    input,
    answer: rule.solve(input, n),
  }));

  return {
    kind: 'sequence',
    tokenizer,
    blockSize,
    inputLength,
    answerLength,
    info: { name: opts.name, length: n, evalSize: opts.evalSize, seed: opts.seed },
    validationExamples,
    solve: (input) => rule.solve(input, n),
    inputProblem: (input) =>
      rule.pattern(n).test(input) ? null : `this ${opts.name} model takes inputs like ${JSON.stringify(rule.example(n))}; got ${JSON.stringify(input)}`,
    promptOf: (input) => `${input}=`,
    trainBatch(generator, rows) {
      const examples: Example[] = [];
      for (let r = 0; r < rows; r++) {
        const input = draw(generator, false);
        examples.push({ input, answer: rule.solve(input, n) });
      }
      return batchOf(examples);
    },
    validationBatches(rows) {
      const batches: Batch[] = [];
      for (let i = 0; i < validationExamples.length; i += rows) batches.push(batchOf(validationExamples.slice(i, i + rows)));
      return batches;
    },
  };
}

/** Distinct held-out problems when the space has enough of them, else with repeats. */
function heldOutExamples(count: number, seed: number, draw: (g: Generator) => string): string[] {
  const generator = new Generator(seed);
  const seen = new Set<string>();
  const out: string[] = [];
  for (let tries = 0; out.length < count; tries++) {
    const input = draw(generator);
    if (!seen.has(input) || tries > 20 * count) {
      seen.add(input);
      out.push(input);
    }
  }
  return out;
}
