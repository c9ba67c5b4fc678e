/// <reference types="node" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Generator, type Tensor } from '@tsgrad/core';
import { AdamW, clipGradNorm, lrCosineSchedule, type GPT } from '@tsgrad/nn';
import { displayPath, type CliIo } from '../io.js';
import type { Task } from '../tasks/task.js';
import { CHECKPOINT_FORMAT, loadWeights, restoreOptimizer, saveCheckpoint, type TrainConfig, type TrainingCheckpoint } from './checkpoint.js';
import { batchTensor, evaluate, type EvalResult } from './evaluate.js';
import { MetricsLog } from './metrics.js';
import { buildModel, type ModelConfig } from './model-config.js';
import { ProgressReporter } from './progress.js';

/** Everything one training run needs. */
export interface TrainRun {
  task: Task;
  model: ModelConfig;
  train: TrainConfig;
  /** Checkpoints and metrics.jsonl go here. */
  outDir: string;
  /** Continue from this checkpoint instead of starting fresh. */
  resume?: TrainingCheckpoint;
  io: CliIo;
  /** Plain progress lines every this many steps (off a terminal). */
  logEvery: number;
  /** Rows per validation forward pass. */
  evalRows: number;
  /** Stop at an evaluation whose accuracy reaches this (0: never stop early). */
  targetAccuracy: number;
}

/** How a run ended. */
export interface TrainOutcome {
  model: GPT;
  /** Steps completed in total (across resumes). */
  step: number;
  /** Training loss of each step this run took, in order. */
  losses: number[];
  /** The last validation result (always taken at the end unless interrupted). */
  lastEval: EvalResult | null;
  /** True when Ctrl-C stopped the run (a checkpoint was saved). */
  interrupted: boolean;
  /** True when the target accuracy stopped it early. */
  reachedTarget: boolean;
  /** Training seconds across resumes. */
  elapsedSec: number;
}

/** Seeds of the two generators: the batch stream and the model (init + dropout). */
function generators(seed: number): { data: Generator; model: Generator } {
  return { data: new Generator(seed), model: new Generator(seed + 1) };
}

/** AdamW with decay on matrices only; norms, biases and other vectors are not decayed (nanoGPT). */
function makeOptimizer(model: GPT, cfg: TrainConfig): AdamW {
  const params = model.parameters();
  return new AdamW(
    [
      { params: params.filter((p) => p.ndim >= 2), weightDecay: cfg.weightDecay },
      { params: params.filter((p) => p.ndim < 2), weightDecay: 0 },
    ],
    { lr: cfg.lr, betas: [0.9, 0.95], eps: 1e-8 },
  );
}

/**
 * The learning rate of the step after `done` completed ones: linear warmup (the first step
 * already moves, at lr / warmup), then cosine decay to reach minLr on the last step.
 */
export function learningRate(done: number, cfg: TrainConfig): number {
  return lrCosineSchedule(done + 1, { maxLr: cfg.lr, minLr: cfg.minLr, warmupSteps: Math.min(cfg.warmup, cfg.steps), cosineSteps: cfg.steps });
}

/**
 * Trains a GPT on a task: AdamW, warmup + cosine schedule, gradient clipping, validation
 * every `evalEvery` steps, a checkpoint every `saveEvery` steps and at the end, and on
 * Ctrl-C. A resumed run restores weights, optimizer moments, both generators and the step,
 * so its losses are those the uninterrupted run would have had.
 */
export async function runTraining(run: TrainRun): Promise<TrainOutcome> {
  const { task, train: cfg, io } = run;
  const gens = generators(cfg.seed);
  const model = buildModel(run.model, gens.model);
  const optimizer = makeOptimizer(model, cfg);
  let step = 0;
  let elapsedSec = 0;
  if (run.resume !== undefined) {
    const { state } = run.resume;
    loadWeights(model, run.resume.model);
    restoreOptimizer(optimizer, run.resume);
    gens.data.setState(state.rng.data);
    gens.model.setState(state.rng.model);
    step = state.step;
    elapsedSec = state.elapsedSec;
  }
  mkdirSync(run.outDir, { recursive: true });
  const metricsPath = join(run.outDir, 'metrics.jsonl');
  const metrics = run.resume !== undefined ? MetricsLog.resume(metricsPath, step) : MetricsLog.create(metricsPath);

  const progress = new ProgressReporter(io.stdout, { totalSteps: cfg.steps, logEvery: run.logEvery, live: io.stdout.isTTY === true });
  let interrupted = false;
  const unsubscribe = io.onInterrupt(() => {
    interrupted = true;
  });

  const save = async (): Promise<void> => {
    await saveCheckpoint(
      run.outDir,
      {
        format: CHECKPOINT_FORMAT,
        step,
        model: run.model,
        train: cfg,
        task: task.info,
        tokenizer: task.tokenizer.toJSON(),
        rng: { data: gens.data.getState(), model: gens.model.getState() },
        elapsedSec,
      },
      model,
      optimizer,
    );
  };
  const validate = (): EvalResult => {
    const result = evaluate(model, task, run.evalRows);
    metrics.append({ type: 'eval', step, valLoss: result.loss, valAccuracy: result.accuracy, elapsedSec });
    const what = task.kind === 'sequence' ? 'exact match' : 'char accuracy';
    progress.message(
      `eval step ${step}: val loss ${result.loss.toFixed(4)} | ${what} ${(100 * result.accuracy).toFixed(1)}% (${result.correct}/${result.total})`,
    );
    return result;
  };

  const losses: number[] = [];
  let lastEval: EvalResult | null = null;
  let reachedTarget = false;
  const params = model.parameters();
  try {
    model.train();
    while (step < cfg.steps && !interrupted && !reachedTarget) {
      const started = performance.now();
      const lr = learningRate(step, cfg);
      for (const group of optimizer.paramGroups) group.lr = lr;
      const batch = task.trainBatch(gens.data, cfg.batchSize);
      const { loss } = model.forward(batchTensor(batch.idx, batch), batchTensor(batch.targets, batch));
      const lossValue = (loss as Tensor).item();
      optimizer.zeroGrad();
      (loss as Tensor).backward();
      const gradNorm = clipGradNorm(params, cfg.gradClip > 0 ? cfg.gradClip : Infinity);
      optimizer.step();
      step += 1;
      const seconds = (performance.now() - started) / 1000;
      elapsedSec += seconds;
      losses.push(lossValue);
      const tokens = batch.rows * batch.time;
      progress.update({ step, loss: lossValue, lr, tokens, seconds });
      metrics.append({ type: 'train', step, loss: lossValue, lr, gradNorm, tokensPerSec: tokens / seconds, elapsedSec });
      if (!Number.isFinite(lossValue)) throw new Error(`training diverged: loss is ${lossValue} at step ${step}; try a lower --lr`);
      if (step % cfg.evalEvery === 0 || step === cfg.steps) {
        lastEval = validate();
        if (run.targetAccuracy > 0 && lastEval.accuracy >= run.targetAccuracy) reachedTarget = true;
      }
      if (step % cfg.saveEvery === 0 || step === cfg.steps || reachedTarget) await save();
      // Let a pending SIGINT handler run between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (interrupted) {
      await save();
      const where = displayPath(io, run.outDir);
      progress.message(`interrupted at step ${step}: checkpoint saved to ${where}; continue with --resume ${where}`);
    } else if (lastEval === null || losses.length === 0) {
      lastEval = validate();
    }
  } finally {
    progress.finish();
    unsubscribe();
  }
  return { model, step, losses, lastEval, interrupted, reachedTarget, elapsedSec };
}
