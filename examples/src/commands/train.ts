import { resolve } from 'node:path';
import { Generator, Tensor } from '@tsgrad/core';
import { disableWorkerPool, enableWorkerPool } from '@tsgrad/ops/node';
import { flagName, formatHelp, parseCommand, type ParsedCommand } from '../args.js';
import { CliError, UsageError, messageOf } from '../errors.js';
import { displayPath, type CliIo } from '../io.js';
import { loadTask } from '../tasks/index.js';
import { readTextFile } from '../tasks/read-text.js';
import { createSequenceTask } from '../tasks/sequence-task.js';
import type { Task, TaskName } from '../tasks/task.js';
import { createTextTask } from '../tasks/text-task.js';
import { loadTrainingCheckpoint, type TrainConfig, type TrainingCheckpoint } from '../training/checkpoint.js';
import { predict } from '../training/evaluate.js';
import { runTraining, type TrainOutcome } from '../training/loop.js';
import { buildModel, countParameters, type ModelConfig } from '../training/model-config.js';
import { formatCount, formatDuration } from '../training/progress.js';
import { DEFAULT_TASK, RESUMABLE_OPTIONS, TRAIN_OPTIONS } from './train-options.js';

const USAGE = 'tsgrad train [options]';
const SUMMARY = `Trains a small GPT from scratch. With no options it learns to sort 8-digit strings and
reports its exact-match accuracy on held-out strings. Tasks: copy, reverse, sort, add
(n-digit addition), or a character-level language model on --data FILE.`;
const FOOTER = `Examples:
  tsgrad train
  tsgrad train --task reverse --length 12 --steps 600
  tsgrad train --data input.txt --steps 3000 --context 128 --d-model 128
  tsgrad train --resume runs/sort --steps 2000`;

type Parsed = ParsedCommand<typeof TRAIN_OPTIONS>;
type Values = Parsed['values'];

/** `tsgrad train`: parse flags, build or resume the run, train, report. Returns the exit code. */
export async function trainCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('train', TRAIN_OPTIONS, argv);
  if (parsed.help) {
    io.stdout.write(formatHelp(USAGE, SUMMARY, TRAIN_OPTIONS, FOOTER));
    return 0;
  }
  const setup = parsed.values.resume !== undefined ? await resumeSetup(parsed, io) : await freshSetup(parsed.values, io);
  const { task, model, train, outDir, resume } = setup;
  const v = parsed.values;

  const probe = buildModel(model, new Generator(0));
  const taskLabel = task.kind === 'sequence' ? `${task.info.name} (${task.inputLength}-character inputs)` : `text ${task.info.name === 'text' ? task.info.dataPath : ''}`;
  io.stdout.write(
    `${resume ? `Resuming ${displayPath(io, resume.dir)} at step ${resume.state.step}` : 'Training'}: ${taskLabel}\n` +
      `model: GPT ${model.numLayers} layers, dModel ${model.dModel}, ${model.numHeads} heads, context ${model.contextLength}, ` +
      `${model.positional} positions, ${formatCount(countParameters(probe))} parameters\n` +
      `train: ${train.steps} steps x batch ${train.batchSize}, lr ${num(train.lr)} -> ${num(train.minLr)} (warmup ${train.warmup}), ` +
      `seed ${train.seed}; checkpoints -> ${displayPath(io, outDir)}\n`,
  );
  if (task.kind === 'sequence') {
    io.stdout.write(`chance: loss ${Math.log(10).toFixed(3)} per answer digit, exact match ${(100 * 10 ** -task.answerLength).toPrecision(2)}%\n`);
  }

  // The pool gives the single-threaded results bit for bit, so a run may change --threads on resume.
  if (v.threads > 1) io.stdout.write(`threads: ${await enableWorkerPool({ threads: v.threads })} (worker pool)\n`);
  let outcome: TrainOutcome;
  try {
    outcome = await runTraining({
      task,
      model,
      train,
      outDir,
      ...(resume !== undefined ? { resume } : {}),
      io,
      logEvery: v.logEvery ?? Math.max(1, Math.round(train.steps / 20)),
      evalRows: 250,
      targetAccuracy: v.targetAccuracy,
    });
  } finally {
    if (v.threads > 1) await disableWorkerPool();
  }
  report(outcome, task, outDir, io);
  return outcome.interrupted ? 130 : 0;
}

/** A hyperparameter for display: 3 significant digits, no float noise (3e-4, not 0.00030000000000000003). */
function num(x: number): string {
  return String(Number(x.toPrecision(3)));
}

interface Setup {
  task: Task;
  model: ModelConfig;
  train: TrainConfig;
  outDir: string;
  resume?: TrainingCheckpoint;
}

async function freshSetup(v: Values, io: CliIo): Promise<Setup> {
  const name: TaskName = v.task ?? (v.data !== undefined ? 'text' : DEFAULT_TASK);
  if (name === 'text' && v.data === undefined) throw new UsageError('train: --task text needs --data FILE');
  if (name !== 'text' && v.data !== undefined) throw new UsageError(`train: --data goes with --task text, not --task ${name}`);
  if (name === 'text' && v.length !== undefined) throw new UsageError('train: --length is for the digit tasks; use --context for text');
  const heads = v.heads;
  const kvHeads = v.kvHeads ?? heads;
  if (v.dModel % heads !== 0) throw new UsageError(`train: --d-model ${v.dModel} is not divisible by --heads ${heads}`);
  if (heads % kvHeads !== 0) throw new UsageError(`train: --heads ${heads} is not divisible by --kv-heads ${kvHeads}`);
  if (v.positional === 'rope' && (v.dModel / heads) % 2 !== 0) {
    throw new UsageError(`train: rope needs an even head size; --d-model ${v.dModel} / --heads ${heads} = ${v.dModel / heads}`);
  }
  const steps = v.steps ?? (name === 'text' ? 2000 : 1000);
  const warmup = v.warmup ?? Math.min(50, Math.floor(steps / 10));
  if (warmup > steps) throw new UsageError(`train: --warmup ${warmup} is longer than --steps ${steps}`);
  const minLr = v.minLr ?? v.lr / 10;
  if (minLr > v.lr) throw new UsageError(`train: --min-lr ${minLr} is above --lr ${v.lr}`);

  let task: Task;
  if (name === 'text') {
    const dataPath = resolve(io.cwd, v.data!);
    const text = await readTextFile(dataPath);
    task = createTextTask({ text, dataPath, blockSize: v.context ?? 64, valFraction: v.valFraction, evalSize: v.evalSize ?? 200 });
  } else {
    task = createSequenceTask({ name, length: v.length ?? (name === 'add' ? 4 : 8), evalSize: v.evalSize ?? 1000, seed: v.seed });
    if (v.context !== undefined && v.context < task.blockSize) {
      throw new UsageError(`train: --context ${v.context} is shorter than one ${name} sequence (${task.blockSize} tokens)`);
    }
  }
  const model: ModelConfig = {
    vocabSize: task.tokenizer.vocabSize,
    contextLength: v.context ?? task.blockSize,
    dModel: v.dModel,
    numLayers: v.layers,
    numHeads: heads,
    numKvHeads: kvHeads,
    dFf: v.dFf ?? 4 * v.dModel,
    positional: v.positional,
    norm: v.norm,
    ffn: v.ffn,
    dropout: v.dropout,
  };
  const train: TrainConfig = {
    steps,
    batchSize: v.batch,
    lr: v.lr,
    minLr,
    warmup,
    weightDecay: v.weightDecay,
    gradClip: v.gradClip,
    seed: v.seed,
    evalEvery: v.evalEvery,
    saveEvery: v.saveEvery,
  };
  return { task, model, train, outDir: resolve(io.cwd, v.out ?? `runs/${name}`) };
}

async function resumeSetup(parsed: Parsed, io: CliIo): Promise<Setup> {
  const v = parsed.values;
  const refused = [...parsed.given].filter((k) => !RESUMABLE_OPTIONS.has(k));
  if (refused.length > 0) {
    const allowed = [...RESUMABLE_OPTIONS].map((k) => `--${flagName(k)}`).join(', ');
    throw new UsageError(`train: --${flagName(refused[0]!)} cannot change when resuming; the checkpoint fixes it (allowed: ${allowed})`);
  }
  const dir = resolve(io.cwd, v.resume!);
  const resume = await loadTrainingCheckpoint(dir);
  const { state } = resume;
  const train: TrainConfig = {
    ...state.train,
    steps: v.steps ?? state.train.steps,
    evalEvery: parsed.given.has('evalEvery') ? v.evalEvery : state.train.evalEvery,
    saveEvery: parsed.given.has('saveEvery') ? v.saveEvery : state.train.saveEvery,
  };
  if (train.warmup > train.steps) throw new UsageError(`train: --steps ${train.steps} is shorter than the checkpoint's warmup ${train.warmup}`);
  let info = state.task;
  if (info.name === 'text' && v.data !== undefined) info = { ...info, dataPath: resolve(io.cwd, v.data) };
  else if (v.data !== undefined) throw new UsageError('train: --data only applies when resuming a text run');
  const task = await loadTask(info, state.model.contextLength);
  return { task, model: state.model, train, outDir: resolve(io.cwd, v.out ?? v.resume!), resume };
}

function report(outcome: TrainOutcome, task: Task, outDir: string, io: CliIo): void {
  const out = io.stdout;
  const where = displayPath(io, outDir);
  const timing = `${outcome.step} steps, ${formatDuration(outcome.elapsedSec)} of training`;
  if (outcome.interrupted) {
    out.write(`stopped after ${timing}\n`);
    return;
  }
  const ev = outcome.lastEval!;
  out.write(`\ndone: ${timing}${outcome.reachedTarget ? ' (target accuracy reached)' : ''}\n`);
  if (task.kind === 'sequence') {
    out.write(
      `held-out exact match: ${(100 * ev.accuracy).toFixed(1)}% (${ev.correct}/${ev.total} sequences), val loss ${ev.loss.toFixed(4)}\n`,
    );
    const inputs = task.validationExamples.slice(0, 6).map((e) => e.input);
    out.write('predictions on held-out inputs (greedy):\n');
    for (const p of predict(outcome.model, task, inputs)) {
      out.write(`  ${p.input} -> ${p.predicted}  ${p.predicted === p.expected ? 'ok' : `WRONG (expected ${p.expected})`}\n`);
    }
    out.write(`checkpoint: ${where}\ntry: ${io.program} sample ${where} --input ${task.validationExamples[0]!.input}\n`);
  } else {
    out.write(`validation: loss ${ev.loss.toFixed(4)}, next-character accuracy ${(100 * ev.accuracy).toFixed(1)}%\n`);
    out.write(`sample (temperature 0.8):\n${sampleText(outcome, task)}\n`);
    out.write(`checkpoint: ${where}\ntry: ${io.program} sample ${where} --prompt "..."\n`);
  }
}

function sampleText(outcome: TrainOutcome, task: Task): string {
  const start = task.tokenizer.chars.includes('\n') ? '\n' : task.tokenizer.chars[0]!;
  try {
    const idx = Tensor.fromData(Int32Array.from(task.tokenizer.encode(start)), [1, 1]);
    const ids = outcome.model.generate(idx, { maxNewTokens: 200, temperature: 0.8, generator: new Generator(0) }).toTypedArray();
    return task.tokenizer.decode(ids.subarray(1));
  } catch (err) {
    throw new CliError(`sampling after training failed: ${messageOf(err)}`);
  }
}
