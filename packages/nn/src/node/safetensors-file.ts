/// <reference types="node" />
import { readFile } from 'node:fs/promises';
import type { RawTensor } from '../safetensors/dtypes.js';
import { SafetensorsError } from '../safetensors/errors.js';
import { parseSafetensors } from '../safetensors/parse.js';
import { serializeSafetensors } from '../safetensors/serialize.js';
import { writeFileAtomic } from './write-file-atomic.js';

/**
 * Serializes `tensors` (see `serializeSafetensors`) and writes them to `path` atomically:
 * an existing checkpoint is replaced only once the new one is complete on disk.
 */
export async function saveSafetensorsFile(
  path: string,
  tensors: Record<string, RawTensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}

/**
 * Reads and fully validates a safetensors file (see `parseSafetensors`).
 *
 * @throws SafetensorsError `loadSafetensorsFile: <path>: <what is wrong>` for a malformed file;
 *   file-system errors (missing file, permissions) pass through unchanged.
 */
export async function loadSafetensorsFile(
  path: string,
): Promise<{ tensors: Record<string, RawTensor>; metadata: Record<string, string> }> {
  const file = await readFile(path);
  try {
    // A plain Uint8Array view: Buffer's slice() shares memory, and the parser must not care.
    return parseSafetensors(new Uint8Array(file.buffer, file.byteOffset, file.byteLength));
  } catch (err) {
    if (err instanceof SafetensorsError) {
      throw new SafetensorsError(`loadSafetensorsFile: ${path}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
