import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensorsFile, saveSafetensorsFile, writeFileAtomic } from '../../src/node/index.js';
import { SafetensorsError } from '../../src/safetensors/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsgrad-safetensors-'));
});
afterEach(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

/** Files in `where` that look like leftover temp files. */
const temps = (where: string): string[] => readdirSync(where).filter((f) => f.endsWith('.tmp'));

describe('saveSafetensorsFile / loadSafetensorsFile', () => {
  it('round-trips tensors and metadata through a file and leaves no temp files', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensorsFile(
      path,
      {
        w: { dtype: 'float32', shape: [2, 2], data: new Float32Array([1, -2, 3.5, NaN]) },
        m: { dtype: 'bool', shape: [2], data: new Uint8Array([1, 0]) },
      },
      { step: '10' },
    );
    const { tensors, metadata } = await loadSafetensorsFile(path);
    expect(Array.from(tensors.w.data)).toEqual([1, -2, 3.5, NaN]);
    expect(tensors.w.shape).toEqual([2, 2]);
    expect(Array.from(tensors.m.data)).toEqual([1, 0]);
    expect(metadata.step).toBe('10');
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('replaces an existing file', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensorsFile(path, { a: { dtype: 'int32', shape: [1], data: new Int32Array([1]) } });
    await saveSafetensorsFile(path, { b: { dtype: 'int32', shape: [1], data: new Int32Array([2]) } });
    const { tensors } = await loadSafetensorsFile(path);
    expect(Object.keys(tensors)).toEqual(['b']);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('does not touch the file when serialization fails', async () => {
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, 'old');
    await expect(
      saveSafetensorsFile(path, { w: { dtype: 'float32', shape: [3], data: new Float32Array(2) } }),
    ).rejects.toThrow(SafetensorsError);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('names the file when it is corrupt', async () => {
    const path = join(dir, 'bad.safetensors');
    writeFileSync(path, new Uint8Array([1, 2, 3]));
    const error = await loadSafetensorsFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as Error).message).toBe(
      `loadSafetensorsFile: ${path}: parseSafetensors: file is 3 bytes, shorter than the 8-byte header length prefix`,
    );
  });

  it('passes a missing file error through', async () => {
    await expect(loadSafetensorsFile(join(dir, 'missing.safetensors'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('writeFileAtomic', () => {
  it('writes the exact bytes', async () => {
    const path = join(dir, 'out.bin');
    await writeFileAtomic(path, new Uint8Array([0, 255, 7]).subarray(1));
    expect(Array.from(readFileSync(path))).toEqual([255, 7]);
    expect(temps(dir)).toEqual([]);
  });

  it('removes its temp file and leaves the target intact when the rename fails', async () => {
    // The target is a non-empty directory: the temp file is written and synced, then the
    // rename over the directory fails, which exercises the cleanup after a partial write.
    const target = join(dir, 'model.safetensors');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'old');
    const error = await writeFileAtomic(target, new Uint8Array(1000)).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`^writeFileAtomic: could not write ${target}: E(ISDIR|EXIST|NOTEMPTY|PERM)`));
    expect((error as Error).cause).toBeDefined();
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    expect(readFileSync(join(target, 'keep.txt'), 'utf8')).toBe('old');
  });

  it('leaves the old file intact when the temp file cannot be created', async () => {
    // A 250-byte name is legal, but the temp name built from it exceeds the 255-byte limit.
    const path = join(dir, 'x'.repeat(250));
    writeFileSync(path, 'old');
    await expect(writeFileAtomic(path, new Uint8Array([1, 2, 3]))).rejects.toThrow(/writeFileAtomic: could not write .*ENAMETOOLONG/);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['x'.repeat(250)]);
  });

  it('fails cleanly when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'no', 'such', 'dir.bin'), new Uint8Array(1))).rejects.toThrow(
      /writeFileAtomic: could not write .*ENOENT/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  // Root ignores directory permissions, so this case only runs as an ordinary user.
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  (asRoot || process.platform === 'win32' ? it.skip : it)('leaves the old file intact in a read-only directory', async () => {
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, 'old');
    chmodSync(dir, 0o555);
    await expect(writeFileAtomic(path, new Uint8Array([1]))).rejects.toThrow(/writeFileAtomic: could not write .*EACCES/);
    chmodSync(dir, 0o755);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });
});
