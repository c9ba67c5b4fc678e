import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMetrics } from '../src/training/metrics';
import { cli, tempDir } from './helpers';

/** A model small enough to train in a few seconds from the TypeScript sources. */
const TINY = ['--layers', '1', '--d-model', '32', '--heads', '2', '--batch', '32', '--eval-size', '50', '--log-every', '1'];

function trainLosses(dir: string): number[] {
  return readMetrics(join(dir, 'metrics.jsonl')).flatMap((r) => (r.type === 'train' ? [r.loss] : []));
}

describe('tsgrad train', () => {
  test('learns the copy task to a loss far below chance and checkpoints it', async () => {
    const out = join(tempDir(), 'copy');
    const r = await cli(['train', '--task', 'copy', '--length', '3', '--steps', '60', '--lr', '1e-2', '--eval-every', '30', '--out', out, ...TINY]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('held-out exact match:');
    const evals = readMetrics(join(out, 'metrics.jsonl')).filter((m) => m.type === 'eval');
    expect(evals.map((e) => e.step)).toEqual([30, 60]);
    // Chance is ln(10) = 2.303 per digit.
    expect(evals[1]!.type === 'eval' && evals[1]!.valLoss).toBeLessThan(0.5);
    for (const f of ['model.safetensors', 'optimizer.safetensors', 'state.json', 'metrics.jsonl']) expect(existsSync(join(out, f))).toBe(true);
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8'));
    expect(state.step).toBe(60);
    expect(state.task).toEqual({ name: 'copy', length: 3, evalSize: 50, seed: 1337 });
  }, 60_000);

  test('a run stopped by Ctrl-C and resumed has exactly the losses of an uninterrupted run', async () => {
    const root = tempDir();
    const args = ['train', '--task', 'reverse', '--length', '3', '--steps', '12', '--warmup', '2', '--dropout', '0.1', '--eval-every', '5', ...TINY];
    const whole = await cli([...args, '--out', join(root, 'whole')]);
    expect(whole.code).toBe(0);

    const cut = await cli([...args, '--out', join(root, 'cut')], { interruptAtStep: 6 });
    expect(cut.code).toBe(130);
    expect(cut.stdout).toContain(`interrupted at step 6: checkpoint saved to ${join(root, 'cut')}`);
    expect(JSON.parse(readFileSync(join(root, 'cut', 'state.json'), 'utf8')).step).toBe(6);

    const resumed = await cli(['train', '--resume', join(root, 'cut'), '--log-every', '1']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('Resuming');
    const expected = trainLosses(join(root, 'whole'));
    expect(expected).toHaveLength(12);
    expect(trainLosses(join(root, 'cut'))).toEqual(expected);
  }, 60_000);

  test('--threads 2 trains with exactly the losses of one thread, and may change on resume', async () => {
    const root = tempDir();
    // Wide enough that the pool takes the products: 64 x 8-token rows through d-model 64 are
    // 2^21 to 2^23 multiply-adds each, above its 2^20 gate.
    const args = ['train', '--task', 'copy', '--length', '3', '--steps', '6', '--eval-every', '3', '--d-model', '64', '--batch', '64', '--layers', '1', '--heads', '2', '--eval-size', '20', '--log-every', '1'];
    const one = await cli([...args, '--out', join(root, 'one')]);
    const two = await cli([...args, '--threads', '2', '--out', join(root, 'two')]);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(two.stdout).toContain('threads: 2 (worker pool)');
    expect(one.stdout).not.toContain('threads:');
    const losses = trainLosses(join(root, 'one'));
    expect(losses).toHaveLength(6);
    expect(trainLosses(join(root, 'two'))).toEqual(losses);
    const resumed = await cli(['train', '--resume', join(root, 'two'), '--steps', '8', '--threads', '1', '--log-every', '1']);
    expect(resumed.code).toBe(0);
    expect(trainLosses(join(root, 'two'))).toHaveLength(8);
  }, 60_000);

  test('--target-accuracy stops at the first evaluation that reaches it', async () => {
    const out = join(tempDir(), 'early');
    const r = await cli(['train', '--task', 'copy', '--length', '2', '--steps', '400', '--lr', '1e-2', '--eval-every', '10', '--target-accuracy', '0.3', '--out', out, ...TINY]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(target accuracy reached)');
    const evals = readMetrics(join(out, 'metrics.jsonl')).filter((m) => m.type === 'eval');
    const last = evals[evals.length - 1]!;
    expect(last.type === 'eval' && last.valAccuracy).toBeGreaterThanOrEqual(0.3);
    expect(evals.slice(0, -1).every((e) => e.type === 'eval' && e.valAccuracy < 0.3)).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')).step).toBe(last.step);
    expect(last.step).toBeLessThan(400);
  }, 60_000);

  test('trains a character-level model on a text file', async () => {
    const dir = tempDir();
    const data = join(dir, 'abc.txt');
    require('node:fs').writeFileSync(data, 'the quick brown fox jumps over the lazy dog. '.repeat(20));
    const r = await cli(['train', '--data', data, '--context', '16', '--steps', '20', '--eval-every', '10', '--out', join(dir, 'text'), ...TINY]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/validation: loss \d\.\d{4}, next-character accuracy/);
    const evals = readMetrics(join(dir, 'text', 'metrics.jsonl')).filter((m) => m.type === 'eval');
    expect(evals[1]!.type === 'eval' && evals[1]!.valLoss).toBeLessThan(Math.log(28));
  }, 60_000);
});

describe('tsgrad train: bad input', () => {
  test.each([
    [['--bogus'], 'tsgrad train: unknown option --bogus'],
    [['--steps', '-5'], 'tsgrad train: --steps must be >= 1; got -5'],
    [['--d-model', '30', '--heads', '4'], 'tsgrad train: --d-model 30 is not divisible by --heads 4'],
    [['--task', 'text'], 'tsgrad train: --task text needs --data FILE'],
    [['--task', 'copy', '--length', '4', '--context', '3'], 'tsgrad train: --context 3 is shorter than one copy sequence (8 tokens)'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const r = await cli(['train', ...argv]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(r.stderr).toContain("Run 'tsgrad train --help' for usage.");
    expect(r.stdout).toBe('');
  });

  test('a missing data file is a one-line error (exit 1)', async () => {
    const r = await cli(['train', '--data', 'no/such/file.txt'], { cwd: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tsgrad train: error: cannot read data file .*no\/such\/file\.txt: no such file\n$/);
  });

  test('resuming from a missing or corrupt checkpoint is a one-line error (exit 1)', async () => {
    const dir = tempDir();
    const missing = await cli(['train', '--resume', join(dir, 'nothing')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^tsgrad train: error: no checkpoint at .*nothing: no such file/);
    require('node:fs').writeFileSync(join(dir, 'state.json'), '{ not json');
    const corrupt = await cli(['train', '--resume', dir]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/^tsgrad train: error: checkpoint file .*state\.json is corrupt: /);
    expect(corrupt.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('resuming refuses flags the checkpoint fixes', async () => {
    const r = await cli(['train', '--resume', 'x', '--d-model', '16']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tsgrad train: --d-model cannot change when resuming/);
  });

  test('--help prints the options and exits 0', async () => {
    const r = await cli(['train', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--d-model N');
    expect(r.stdout).toContain('--resume DIR');
  });
});
