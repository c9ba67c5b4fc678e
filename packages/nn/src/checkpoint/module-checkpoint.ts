import { TsgradError } from '@tsgrad/core';
import type { AnyModule, LoadStateDictOptions, LoadStateDictResult } from '../module/index.js';
import { parseSafetensors, serializeSafetensors } from '../safetensors/index.js';
import { fromRawTensors, toRawTensors } from './raw-tensors.js';

/**
 * A module's state dict as safetensors bytes: keys are the dotted state-dict names and
 * Linear weights are [out, in], so PyTorch's `safetensors.torch.load_file` reads it as a
 * PyTorch state dict. `metadata` (string → string) goes into `__metadata__`.
 */
export function serializeModule(module: AnyModule, metadata: Record<string, string> = {}): Uint8Array {
  return serializeSafetensors(toRawTensors(module.stateDict()), metadata);
}

/**
 * Loads safetensors bytes into a module (validated as a whole first, then copied in place;
 * see `Module.loadStateDict`). Returns the file's metadata and the unmatched keys.
 */
export function loadModuleBytes(
  module: AnyModule,
  bytes: Uint8Array,
  opts: LoadStateDictOptions = {},
): LoadStateDictResult & { metadata: Record<string, string> } {
  const { tensors, metadata } = parseSafetensors(bytes);
  const result = module.loadStateDict(fromRawTensors(tensors), opts);
  return { ...result, metadata };
}

/** Raised when a checkpoint's contents do not fit what is loading them. */
export class CheckpointError extends TsgradError {
  override name = 'CheckpointError';
}
