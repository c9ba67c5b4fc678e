/// <reference types="node" />
import type { Tensor } from '@tsgrad/core';
import type { Writable } from 'node:stream';
import { serializeModule } from '../checkpoint/module-checkpoint.js';
import { loadOptimizerBytes, serializeOptimizer } from '../checkpoint/optimizer-checkpoint.js';
import { fromRawTensors, toRawTensors } from '../checkpoint/raw-tensors.js';
import type { AnyModule, LoadStateDictOptions, LoadStateDictResult } from '../module/index.js';
import type { Optimizer } from '../optim/index.js';
import { serializeSafetensors } from '../safetensors/serialize.js';
import { loadSafetensorsFile } from './safetensors-file.js';
import { writeFileAtomic } from './write-file-atomic.js';
import { readFile } from 'node:fs/promises';

/**
 * Writes tensors as a safetensors file: to a path atomically (temporary file, fsync, rename),
 * or to a writable stream.
 */
export async function saveSafetensors(
  target: string | Writable,
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
): Promise<void> {
  const bytes = serializeSafetensors(toRawTensors(tensors), metadata);
  if (typeof target === 'string') return writeFileAtomic(target, bytes);
  await new Promise<void>((resolve, reject) => target.write(bytes, (err) => (err ? reject(err) : resolve())));
}

/** Reads and validates a safetensors file into tensors by name, with its metadata. */
export async function loadSafetensors(path: string): Promise<{ tensors: Record<string, Tensor>; metadata: Record<string, string> }> {
  const { tensors, metadata } = await loadSafetensorsFile(path);
  return { tensors: fromRawTensors(tensors), metadata };
}

/** Saves a module's state dict to `path` atomically (PyTorch-readable keys and layout). */
export async function saveModule(path: string, module: AnyModule, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(path, serializeModule(module, metadata));
}

/** Loads a module checkpoint in place; see `Module.loadStateDict` for `strict`. */
export async function loadModule(
  path: string,
  module: AnyModule,
  opts: LoadStateDictOptions = {},
): Promise<LoadStateDictResult & { metadata: Record<string, string> }> {
  const { tensors, metadata } = await loadSafetensors(path);
  return { ...module.loadStateDict(tensors, opts), metadata };
}

/** Saves an optimizer's state to `path` atomically. */
export async function saveOptimizer(path: string, optimizer: Optimizer<object>, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(path, serializeOptimizer(optimizer, metadata));
}

/** Restores an optimizer's state from `path`; returns the file's other metadata. */
export async function loadOptimizer(path: string, optimizer: Optimizer<object>): Promise<Record<string, string>> {
  const file = await readFile(path);
  try {
    return loadOptimizerBytes(optimizer, new Uint8Array(file.buffer, file.byteOffset, file.byteLength));
  } catch (err) {
    if (err instanceof Error) err.message = `${path}: ${err.message}`;
    throw err;
  }
}
