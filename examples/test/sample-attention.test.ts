import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from './helpers';
import { findAll, parseXml } from './xml';

let run: string;

beforeAll(async () => {
  run = join(tempDir(), 'reverse');
  const r = await cli([
    'train', '--task', 'reverse', '--length', '3', '--steps', '60', '--lr', '1e-2', '--layers', '2', '--d-model', '32',
    '--heads', '2', '--batch', '32', '--eval-size', '50', '--eval-every', '60', '--out', run,
  ]);
  expect(r.code).toBe(0);
}, 60_000);

describe('tsgrad sample', () => {
  test('is deterministic for a seed', async () => {
    const args = ['sample', run, '--prompt', '12', '--max-new-tokens', '12', '--temperature', '3', '--top-k', '8', '--top-p', '0.95'];
    const a = await cli([...args, '--seed', '5']);
    const b = await cli([...args, '--seed', '5']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^12[0-9+=]{12}\n$/);
    expect(b.stdout).toBe(a.stdout);
    const others = await Promise.all([6, 7, 8].map((seed) => cli([...args, '--seed', String(seed)])));
    expect(others.some((o) => o.stdout !== a.stdout)).toBe(true);
  });

  test('--input shows the model answer next to the right one', async () => {
    const r = await cli(['sample', run, '--input', '123']);
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^input\s+model\s+right\s*$/);
    expect(row).toMatch(/^123\s+[0-9+=]{3}\s+321\s+(ok|WRONG)$/);
  });

  test('without --input answers held-out problems', async () => {
    const r = await cli(['sample', run, '--count', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^held-out reverse problems \(step 60 checkpoint\):\n/);
    expect(r.stdout).toMatch(/\d\/3 right\n$/);
  });

  test('bad input and bad checkpoints get clear errors', async () => {
    const format = await cli(['sample', run, '--input', '12345']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/^tsgrad sample: --input: this reverse model takes inputs like "314"; got "12345"/);
    const alphabet = await cli(['sample', run, '--prompt', 'hi']);
    expect(alphabet.code).toBe(2);
    expect(alphabet.stderr).toMatch(/^tsgrad sample: --prompt has "h", which the model's alphabet lacks/);

    const dir = tempDir();
    const missing = await cli(['sample', join(dir, 'none')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^tsgrad sample: error: no checkpoint at .*none: no such file/);
    const emptyDir = await cli(['sample', dir]);
    expect(emptyDir.code).toBe(1);
    expect(emptyDir.stderr).toMatch(/^tsgrad sample: error: checkpoint file .*model\.safetensors cannot be read: no such file\n$/);

    const bytes = readFileSync(join(run, 'model.safetensors'));
    writeFileSync(join(dir, 'model.safetensors'), bytes.subarray(0, bytes.length - 100));
    const truncated = await cli(['sample', dir]);
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toMatch(/^tsgrad sample: error: checkpoint file .*model\.safetensors is corrupt: /);
    expect(truncated.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('tsgrad attention', () => {
  test('writes a well-formed SVG with one heatmap per layer x head and prints a terminal heatmap', async () => {
    const svgPath = join(tempDir(), 'maps.svg');
    const r = await cli(['attention', run, '--input', '407', '--svg', svgPath, '--layer', '1', '--head', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${svgPath}: 2 layers x 2 heads, 6 tokens`);
    expect(r.stdout).toContain('layer 1, head 1 (rows: queries, columns: keys)');
    const lines = r.stdout.split('\n');
    const top = lines.findIndex((l) => l.startsWith('layer 1, head 1'));
    expect(lines[top + 1]).toMatch(/^ {2}4 0 7 = \S \S $/);
    expect(r.stdout).not.toContain('\x1b['); // not a terminal: no colour codes

    const root = parseXml(readFileSync(svgPath, 'utf8'));
    const maps = findAll(root, (e) => e.attrs.class === 'heatmap');
    expect(maps.map((m) => `${m.attrs['data-layer']}.${m.attrs['data-head']}`)).toEqual(['0.0', '0.1', '1.0', '1.1']);
    for (const m of maps) expect(findAll(m, (e) => e.name === 'rect' && e.children.some((c) => c.name === 'title'))).toHaveLength(36);
  });

  test('--color always paints the terminal heatmap', async () => {
    const r = await cli(['attention', run, '--text', '12=', '--svg', join(tempDir(), 'a.svg'), '--color', 'always']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\x1b[48;2;');
  });

  test('an out-of-range layer is a usage error', async () => {
    const r = await cli(['attention', run, '--layer', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tsgrad attention: --layer 2 is out of range: the model has 2 layers \(0\.\.1\)/);
  });
});
