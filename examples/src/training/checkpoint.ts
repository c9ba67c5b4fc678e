/// <reference types="node" />
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Generator, type GeneratorState } from '@tsgrad/core';
import {
  fromRawTensors,
  loadOptimizerBytes,
  parseSafetensors,
  serializeModule,
  serializeOptimizer,
  type GPT,
  type Optimizer,
  type RawTensor,
} from '@tsgrad/nn';
import { writeFileAtomic } from '@tsgrad/nn/node';
import { CliError, messageOf } from '../errors.js';
import { describeFsError } from '../tasks/read-text.js';
import type { TaskInfo } from '../tasks/task.js';
import { CharTokenizer, type TokenizerInfo } from '../tasks/tokenizer.js';
import { buildModel, modelConfigProblem, type ModelConfig } from './model-config.js';

/**
 * Checkpoint layout (one directory):
 *   model.safetensors      the weights under their state-dict names; `__metadata__` holds
 *                          format, step, model config, task and tokenizer, so sampling
 *                          needs only this file
 *   optimizer.safetensors  AdamW moments as `state.<param index>.<name>`, counters and
 *                          parameter groups in `__metadata__` (nn's serializeOptimizer)
 *   state.json             step, configs, task, tokenizer, RNG states, elapsed time
 * Each file is written atomically (temp file, fsync, rename) and records the step; state.json
 * is written last, so a crash between files is caught on load as an inconsistent step.
 */
export const CHECKPOINT_FORMAT = 'tsgrad-examples-checkpoint/1';

/** Training hyperparameters, recorded so a resumed run continues the same schedule. */
export interface TrainConfig {
  steps: number;
  batchSize: number;
  lr: number;
  minLr: number;
  warmup: number;
  weightDecay: number;
  gradClip: number;
  seed: number;
  evalEvery: number;
  saveEvery: number;
}

/** The contents of state.json. */
export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  step: number;
  model: ModelConfig;
  train: TrainConfig;
  task: TaskInfo;
  tokenizer: TokenizerInfo;
  /** Generator states: the batch stream and the model's (init and dropout) generator. */
  rng: { data: GeneratorState; model: GeneratorState };
  /** Training seconds spent so far, across resumes. */
  elapsedSec: number;
}

/** A model file read back: its config, task, tokenizer, step and weights. */
export interface ModelFile {
  path: string;
  step: number;
  config: ModelConfig;
  task: TaskInfo;
  tokenizer: TokenizerInfo;
  tensors: Record<string, RawTensor>;
}

/** Writes a checkpoint of the model, optimizer and training state into `dir` (created if needed). */
export async function saveCheckpoint(dir: string, state: CheckpointState, model: GPT, optimizer: Optimizer<object>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const step = String(state.step);
  const modelMeta = {
    format: CHECKPOINT_FORMAT,
    step,
    model: JSON.stringify(state.model),
    task: JSON.stringify(state.task),
    tokenizer: JSON.stringify(state.tokenizer),
  };
  await writeFileAtomic(join(dir, 'model.safetensors'), serializeModule(model, modelMeta));
  await writeFileAtomic(join(dir, 'optimizer.safetensors'), serializeOptimizer(optimizer, { format: CHECKPOINT_FORMAT, step }));
  await writeFileAtomic(join(dir, 'state.json'), new TextEncoder().encode(`${JSON.stringify(state, null, 2)}\n`));
}

async function checkDir(dir: string): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch (err) {
    throw new CliError(`no checkpoint at ${dir}: ${describeFsError(err)} (train with --out ${dir} first)`);
  }
  if (!isDir) throw new CliError(`no checkpoint at ${dir}: it is a file, expected a checkpoint directory`);
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    const file = await readFile(path);
    return new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  } catch (err) {
    throw new CliError(`checkpoint file ${path} cannot be read: ${describeFsError(err)}`);
  }
}

function parseFile(path: string, bytes: Uint8Array): { tensors: Record<string, RawTensor>; metadata: Record<string, string> } {
  try {
    return parseSafetensors(bytes);
  } catch (err) {
    throw new CliError(`checkpoint file ${path} is corrupt: ${messageOf(err)}`);
  }
}

function parseJsonField<T>(path: string, field: string, text: string | undefined): T {
  if (text === undefined) throw new CliError(`checkpoint file ${path} is not a tsgrad checkpoint: its metadata has no '${field}'`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new CliError(`checkpoint file ${path} is corrupt: metadata '${field}' is not valid JSON`);
  }
}

/** Reads `dir/model.safetensors` with its config; every problem is a one-line CliError. */
export async function loadModelFile(dir: string): Promise<ModelFile> {
  await checkDir(dir);
  const path = join(dir, 'model.safetensors');
  const { tensors, metadata } = parseFile(path, await readBytes(path));
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new CliError(`checkpoint file ${path} is not a tsgrad examples checkpoint (format ${JSON.stringify(metadata.format ?? null)})`);
  }
  const config = parseJsonField<ModelConfig>(path, 'model', metadata.model);
  const problem = modelConfigProblem(config);
  if (problem !== null) throw new CliError(`checkpoint file ${path} is corrupt: ${problem}`);
  const tokenizer = parseJsonField<TokenizerInfo>(path, 'tokenizer', metadata.tokenizer);
  if (!Array.isArray(tokenizer?.chars) || tokenizer.chars.length !== config.vocabSize) {
    throw new CliError(`checkpoint file ${path} is corrupt: its tokenizer does not match vocabSize ${config.vocabSize}`);
  }
  const task = parseJsonField<TaskInfo>(path, 'task', metadata.task);
  return { path, step: Number(metadata.step), config, task, tokenizer, tensors };
}

/** Copies checkpoint weights into a freshly built model of the same config. */
export function loadWeights(model: GPT, file: ModelFile): void {
  try {
    model.loadStateDict(fromRawTensors(file.tensors));
  } catch (err) {
    throw new CliError(`checkpoint file ${file.path} does not fit its model config: ${messageOf(err)}`);
  }
}

/** Everything a resumed run needs. */
export interface TrainingCheckpoint {
  /** The directory it was read from. */
  dir: string;
  state: CheckpointState;
  model: ModelFile;
  /** optimizer.safetensors, validated, restored by `restoreOptimizer` once the optimizer exists. */
  optimizerBytes: Uint8Array;
}

/** Reads a whole checkpoint for `--resume`, checking that its three files agree. */
export async function loadTrainingCheckpoint(dir: string): Promise<TrainingCheckpoint> {
  await checkDir(dir);
  const statePath = join(dir, 'state.json');
  let text: string;
  try {
    text = await readFile(statePath, 'utf8');
  } catch (err) {
    throw new CliError(`no checkpoint in ${dir}: ${statePath}: ${describeFsError(err)}`);
  }
  let state: CheckpointState;
  try {
    state = JSON.parse(text) as CheckpointState;
  } catch (err) {
    throw new CliError(`checkpoint file ${statePath} is corrupt: ${messageOf(err)}`);
  }
  if (state?.format !== CHECKPOINT_FORMAT) throw new CliError(`checkpoint file ${statePath} is not a tsgrad examples checkpoint`);
  if (!Number.isInteger(state.step) || state.rng?.data === undefined || state.rng?.model === undefined || state.train === undefined) {
    throw new CliError(`checkpoint file ${statePath} is corrupt: step, rng or train config missing`);
  }
  const model = await loadModelFile(dir);
  const optPath = join(dir, 'optimizer.safetensors');
  const optimizerBytes = await readBytes(optPath);
  const optStep = Number(parseFile(optPath, optimizerBytes).metadata.step);
  for (const [file, step] of [
    ['model.safetensors', model.step],
    ['optimizer.safetensors', optStep],
  ] as const) {
    if (step !== state.step) {
      throw new CliError(`checkpoint in ${dir} is inconsistent: ${file} is at step ${step} but state.json at step ${state.step}`);
    }
  }
  return { dir, state, model, optimizerBytes };
}

/** Loads the checkpoint's optimizer state into `optimizer`. */
export function restoreOptimizer(optimizer: Optimizer<object>, ckpt: TrainingCheckpoint): void {
  try {
    loadOptimizerBytes(optimizer, ckpt.optimizerBytes);
  } catch (err) {
    throw new CliError(`checkpoint file ${join(ckpt.dir, 'optimizer.safetensors')} does not fit the model: ${messageOf(err)}`);
  }
}

/** A model ready for inference, with what its checkpoint says about its data. */
export interface InferenceModel {
  model: GPT;
  file: ModelFile;
  tokenizer: CharTokenizer;
}

/** Loads `dir/model.safetensors` into a GPT in eval mode. */
export async function loadInferenceModel(dir: string): Promise<InferenceModel> {
  const file = await loadModelFile(dir);
  let model: GPT;
  let tokenizer: CharTokenizer;
  try {
    model = buildModel(file.config, new Generator(0));
    tokenizer = CharTokenizer.fromJSON(file.tokenizer);
  } catch (err) {
    throw new CliError(`checkpoint file ${file.path} is corrupt: ${messageOf(err)}`);
  }
  loadWeights(model, file);
  model.eval();
  return { model, file, tokenizer };
}
