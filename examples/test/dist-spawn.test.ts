/**
 * The built program, run as a user runs it: a separate node process on dist/cli.js. Skipped
 * when dist/ has not been built (`npx tsc -b examples`); `npm test` builds it first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const suite = existsSync(CLI) ? describe : describe.skip;

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

suite('dist/cli.js', () => {
  test('starts with a shebang', () => {
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  test('usage errors exit 2 without a stack trace', () => {
    const r = run(['train', '--steps', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("tsgrad train: --steps must be >= 1; got 0\nRun 'tsgrad train --help' for usage.\n");
  });

  test('a missing checkpoint exits 1 with one line', () => {
    const r = run(['sample', join(tempDir(), 'missing')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tsgrad sample: error: no checkpoint at \S+missing: no such file .*\n$/);
  });

  test('the broken op makes gradcheck exit 1', () => {
    const r = run(['gradcheck', '--with-broken-op', '--op', 'examples.brokenSquare']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL');
  });

  test('SIGINT saves a checkpoint and exits 130', async () => {
    const out = join(tempDir(), 'run');
    const child = spawn(process.execPath, [CLI, 'train', '--task', 'copy', '--length', '3', '--steps', '100000', '--d-model', '16', '--heads', '2', '--layers', '1', '--log-every', '1', '--out', out]);
    let stdout = '';
    let sent = false;
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (!sent && /step +3\//.test(stdout)) sent = child.kill('SIGINT');
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code).toBe(130);
    expect(stdout).toMatch(/interrupted at step \d+: checkpoint saved/);
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8'));
    expect(state.step).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
