import { Tensor } from '@tsgrad/core';
import type { Optimizer, OptimizerStateDict, ParamState } from '../optim/index.js';
import { parseSafetensors, serializeSafetensors } from '../safetensors/index.js';
import { CheckpointError } from './module-checkpoint.js';
import { fromRawTensors, toRawTensors } from './raw-tensors.js';

const META_KEY = 'tsgrad.optimizer';

/**
 * An optimizer's state as safetensors bytes: buffers as tensors named `state.<i>.<name>`,
 * counters and the groups' options as JSON under `__metadata__['tsgrad.optimizer']`.
 */
export function serializeOptimizer(optimizer: Optimizer<object>, metadata: Record<string, string> = {}): Uint8Array {
  const sd = optimizer.stateDict();
  const tensors: Record<string, Tensor> = {};
  const scalars: Record<string, Record<string, number>> = {};
  for (const [index, state] of Object.entries(sd.state)) {
    for (const [name, value] of Object.entries(state)) {
      if (value instanceof Tensor) tensors[`state.${index}.${name}`] = value;
      else (scalars[index] ??= {})[name] = value;
    }
  }
  const meta = JSON.stringify({ scalars, paramGroups: sd.paramGroups });
  return serializeSafetensors(toRawTensors(tensors), { ...metadata, [META_KEY]: meta });
}

/** Restores an optimizer from `serializeOptimizer` bytes; returns the remaining metadata. */
export function loadOptimizerBytes(optimizer: Optimizer<object>, bytes: Uint8Array): Record<string, string> {
  const { tensors, metadata } = parseSafetensors(bytes);
  const meta = metadata[META_KEY];
  if (meta === undefined) throw new CheckpointError(`loadOptimizer: the file has no '${META_KEY}' metadata; is it an optimizer checkpoint?`);
  let parsed: { scalars: Record<string, Record<string, number>>; paramGroups: OptimizerStateDict['paramGroups'] };
  try {
    parsed = JSON.parse(meta) as typeof parsed;
  } catch {
    throw new CheckpointError(`loadOptimizer: the '${META_KEY}' metadata is not valid JSON`);
  }
  const state: Record<number, ParamState> = {};
  for (const [index, scalars] of Object.entries(parsed.scalars ?? {})) state[Number(index)] = { ...scalars };
  for (const [key, t] of Object.entries(fromRawTensors(tensors))) {
    const match = /^state\.(\d+)\.(\w+)$/.exec(key);
    if (!match) throw new CheckpointError(`loadOptimizer: unexpected tensor '${key}' in an optimizer checkpoint`);
    (state[Number(match[1])] ??= {})[match[2]!] = t;
  }
  optimizer.loadStateDict({ state, paramGroups: parsed.paramGroups });
  const { [META_KEY]: _optimizer, ...rest } = metadata;
  return rest;
}
