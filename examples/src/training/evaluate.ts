import { Tensor, noGrad } from '@tsgrad/core';
import type { GPT } from '@tsgrad/nn';
import { IGNORE_INDEX, type Batch, type SequenceTask, type Task } from '../tasks/task.js';

/** Validation results. */
export interface EvalResult {
  /** Mean cross-entropy over the positions that carry loss. */
  loss: number;
  /** Sequence tasks: exact-match accuracy; text: next-character accuracy. */
  accuracy: number;
  /** Numerator and denominator of the accuracy. */
  correct: number;
  total: number;
}

/** The int32 `(rows, time)` tensor of a batch's ids or targets. */
export function batchTensor(data: Int32Array, batch: Batch): Tensor {
  return Tensor.fromData(data, [batch.rows, batch.time]);
}

/**
 * Loss and accuracy on the task's fixed validation batches, in eval mode without a graph.
 * For sequence tasks a row counts as correct only when every answer token is the argmax
 * given the right prefix, which is exactly when greedy decoding writes the whole answer.
 */
export function evaluate(model: GPT, task: Task, rowsPerBatch: number): EvalResult {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let lossSum = 0;
      let positions = 0;
      let correct = 0;
      let total = 0;
      for (const batch of task.validationBatches(rowsPerBatch)) {
        const { logits } = model.forward(batchTensor(batch.idx, batch));
        const scores = logits.contiguous();
        const data = scores.storage.data;
        const vocab = scores.shape[2]!;
        for (let r = 0; r < batch.rows; r++) {
          let rowRight = true;
          for (let t = 0; t < batch.time; t++) {
            const target = batch.targets[r * batch.time + t]!;
            if (target === IGNORE_INDEX) continue;
            const base = scores.offset + (r * batch.time + t) * vocab;
            let max = -Infinity;
            let best = 0;
            for (let v = 0; v < vocab; v++) {
              if (data[base + v]! > max) {
                max = data[base + v]!;
                best = v;
              }
            }
            let sum = 0;
            for (let v = 0; v < vocab; v++) sum += Math.exp(data[base + v]! - max);
            lossSum += max + Math.log(sum) - data[base + target]!;
            positions += 1;
            if (best !== target) rowRight = false;
            if (task.kind === 'text') {
              total += 1;
              if (best === target) correct += 1;
            }
          }
          if (task.kind === 'sequence') {
            total += 1;
            if (rowRight) correct += 1;
          }
        }
      }
      return { loss: lossSum / positions, accuracy: correct / total, correct, total };
    });
  } finally {
    model.train(wasTraining);
  }
}

/** A task problem, the model's greedy answer and the right one. */
export interface Prediction {
  input: string;
  predicted: string;
  expected: string;
}

/** Greedy answers of the model to `inputs`, decoded in one batch with `generate`. */
export function predict(model: GPT, task: SequenceTask, inputs: readonly string[]): Prediction[] {
  if (inputs.length === 0) return [];
  const prompts = inputs.map((input) => task.tokenizer.encode(task.promptOf(input)));
  const width = prompts[0]!.length;
  const idx = Tensor.fromData(Int32Array.from(prompts.flat()), [inputs.length, width]);
  const out = model.generate(idx, { maxNewTokens: task.answerLength, temperature: 0 });
  const ids = out.toTypedArray();
  const cols = out.shape[1]!;
  return inputs.map((input, r) => ({
    input,
    predicted: task.tokenizer.decode(ids.subarray(r * cols + width, (r + 1) * cols)),
    expected: task.solve(input),
  }));
}
