import { GPT } from '@tsgrad/nn';
import type { Generator } from '@tsgrad/core';

/** The GPT configuration a checkpoint records (GPTConfig without the runtime generator). */
export interface ModelConfig {
  vocabSize: number;
  contextLength: number;
  dModel: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  dFf: number;
  positional: 'learned' | 'rope';
  norm: 'layernorm' | 'rmsnorm';
  ffn: 'gelu' | 'swiglu';
  dropout: number;
}

/** Builds the model of a config; `generator` draws the initial weights and dropout masks. */
export function buildModel(config: ModelConfig, generator: Generator): GPT {
  return new GPT({ ...config, generator });
}

/** Parameter count of a model, for the banner. */
export function countParameters(model: GPT): number {
  return model.parameters().reduce((n, p) => n + p.size, 0);
}

/** Checks a config read from a file; returns a message for the first problem, or null. */
export function modelConfigProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'the model config is not an object';
  const c = value as Record<string, unknown>;
  for (const key of ['vocabSize', 'contextLength', 'dModel', 'numLayers', 'numHeads', 'numKvHeads', 'dFf']) {
    if (!Number.isInteger(c[key]) || (c[key] as number) <= 0) return `the model config has no valid '${key}'`;
  }
  if (c.positional !== 'learned' && c.positional !== 'rope') return "the model config has no valid 'positional'";
  if (c.norm !== 'layernorm' && c.norm !== 'rmsnorm') return "the model config has no valid 'norm'";
  if (c.ffn !== 'gelu' && c.ffn !== 'swiglu') return "the model config has no valid 'ffn'";
  if (typeof c.dropout !== 'number') return "the model config has no valid 'dropout'";
  return null;
}
