/// <reference types="node" />
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Errors from fsync on a directory that mean "not supported here", not "data lost". */
const DIR_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'ENOTSUP', 'EPERM', 'EACCES', 'EBADF']);

/**
 * Replaces the file at `path` with `bytes` so that readers and crashes see either the old
 * file or the complete new one, never a torn mix: writes a temp file in the same directory
 * (a rename is only atomic within one file system), fsyncs it, renames it over `path`, then
 * fsyncs the directory so the rename itself survives a crash. On failure the temp file is
 * removed and the old file is left untouched.
 *
 * @throws Error `writeFileAtomic: could not write <path>: <reason>`, with the original error as `cause`.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  // Random suffix: two processes (or two calls) saving the same path never share a temp file.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let tempExists = false;
  try {
    const handle = await open(temp, 'wx');
    tempExists = true;
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    tempExists = false;
  } catch (err) {
    if (tempExists) await unlink(temp).catch(() => undefined);
    throw new Error(`writeFileAtomic: could not write ${path}: ${(err as Error).message}`, { cause: err });
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined || !DIR_SYNC_UNSUPPORTED.has(code)) {
      throw new Error(`writeFileAtomic: renamed into ${dir} but could not fsync the directory: ${(err as Error).message}`, {
        cause: err,
      });
    }
  } finally {
    await handle?.close();
  }
}
