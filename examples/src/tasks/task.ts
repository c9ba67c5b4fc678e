import type { Generator } from '@tsgrad/core';
import type { CharTokenizer } from './tokenizer.js';

/** The target id of positions that carry no loss (PyTorch's `ignore_index` default). */
export const IGNORE_INDEX = -100;

/** Rows of token ids for one step: `targets[i]` is the token after `idx[i]`, or IGNORE_INDEX. */
export interface Batch {
  /** Input ids, row-major `[rows, time]`. */
  idx: Int32Array;
  /** Next-token targets, same layout; IGNORE_INDEX marks positions that carry no loss. */
  targets: Int32Array;
  rows: number;
  time: number;
}

/** The names of the built-in tasks. */
export const TASK_NAMES = ['copy', 'reverse', 'sort', 'add', 'text'] as const;

/** A built-in task name. */
export type TaskName = (typeof TASK_NAMES)[number];

/** What a checkpoint records to rebuild the task (and to check a resumed run uses the same). */
export type TaskInfo =
  | { name: Exclude<TaskName, 'text'>; length: number; evalSize: number; seed: number }
  | { name: 'text'; dataPath: string; valFraction: number; evalSize: number; chars: number; fingerprint: string };

/** A training task: where batches come from and how the model is judged. */
export interface TaskBase {
  readonly tokenizer: CharTokenizer;
  /** Tokens per training row; the model's context must hold at least this many. */
  readonly blockSize: number;
  /** A random training batch drawn from `generator` (whose state checkpoints save). */
  trainBatch(generator: Generator, rows: number): Batch;
  /** The fixed held-out batches validation runs on, `rows` per batch at most. */
  validationBatches(rows: number): Batch[];
  /** JSON form for checkpoints. */
  readonly info: TaskInfo;
}

/** One problem of a sequence task and its answer. */
export interface Example {
  input: string;
  answer: string;
}

/**
 * A task with one right answer per input (copy, reverse, sort, add): the model reads
 * `input=` and must write the answer; accuracy is exact match on held-out inputs.
 */
export interface SequenceTask extends TaskBase {
  readonly kind: 'sequence';
  /** Characters of an input and of its answer. */
  readonly inputLength: number;
  readonly answerLength: number;
  /** The right answer. */
  solve(input: string): string;
  /** What is wrong with a user's `input` (naming the expected format), or null when it is a valid problem. */
  inputProblem(input: string): string | null;
  /** The text the model is given: `input=`. */
  promptOf(input: string): string;
  /** The held-out problems accuracy is measured on (never drawn for training). */
  readonly validationExamples: readonly Example[];
}

/** Character-level language modelling on a text file. */
export interface TextTask extends TaskBase {
  readonly kind: 'text';
  /** Characters in the training and validation splits. */
  readonly trainSize: number;
  readonly valSize: number;
}

/** Any task. */
export type Task = SequenceTask | TextTask;
