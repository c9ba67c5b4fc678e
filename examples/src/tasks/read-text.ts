/// <reference types="node" />
import { readFile } from 'node:fs/promises';
import { CliError } from '../errors.js';

/** Why a file could not be read, in words (`no such file`, `is a directory`, ...). */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (err as Error).message;
}

/** Reads a UTF-8 text file for training; a missing, empty or binary file is a CliError. */
export async function readTextFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read data file ${path}: ${describeFsError(err)}`);
  }
  if (bytes.length === 0) throw new CliError(`data file ${path} is empty`);
  if (bytes.includes(0)) throw new CliError(`data file ${path} is not text (it contains NUL bytes)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(`data file ${path} is not valid UTF-8 text`);
  }
  return text;
}
