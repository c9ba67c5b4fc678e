import { Generator, randn } from '@tsgrad/core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdamW, Linear, LayerNorm, Sequential, SafetensorsError, StateDictError, loadModuleBytes, parseSafetensors, serializeModule } from '../../src/index.js';
import { loadModule, loadOptimizer, loadSafetensors, saveModule, saveOptimizer, saveSafetensors } from '../../src/node/index.js';

const model = (seed: number) => new Sequential(new Linear(3, 4, { generator: new Generator(seed) }), new LayerNorm(4));

describe('module and optimizer checkpoints', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tsgrad-ckpt-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a module round-trips bit-exactly through bytes and files, with PyTorch-style keys', async () => {
    const a = model(1);
    const bytes = serializeModule(a, { note: 'hi' });
    const parsed = parseSafetensors(bytes);
    expect(Object.keys(parsed.tensors).sort()).toEqual(['0.bias', '0.weight', '1.bias', '1.weight']);
    expect(parsed.tensors['0.weight']!.shape).toEqual([4, 3]);
    const b = model(2);
    expect(loadModuleBytes(b, bytes).metadata).toEqual({ note: 'hi' });
    expect(b.stateDict()['0.weight']!.toArray()).toEqual(a.stateDict()['0.weight']!.toArray());

    const path = join(dir, 'model.safetensors');
    await saveModule(path, a, { step: '3' });
    const c = model(3);
    const result = await loadModule(path, c);
    expect(result.metadata).toEqual({ step: '3' });
    expect(c.stateDict()['1.weight']!.toArray()).toEqual(a.stateDict()['1.weight']!.toArray());
  });

  test('a checkpoint of another architecture is refused and changes nothing', async () => {
    const path = join(dir, 'other.safetensors');
    await saveSafetensors(path, { '0.weight': randn([5, 3]), extra: randn([1]) });
    const m = model(4);
    const before = m.stateDict()['0.weight']!.toArray();
    await expect(loadModule(path, m)).rejects.toThrow(StateDictError);
    expect(m.stateDict()['0.weight']!.toArray()).toEqual(before);
  });

  test('a corrupt or truncated file is rejected with the path in the message', async () => {
    const path = join(dir, 'model.safetensors');
    await saveModule(path, model(5));
    writeFileSync(path, readFileSync(path).subarray(0, 40));
    await expect(loadModule(path, model(5))).rejects.toThrow(SafetensorsError);
    await expect(loadSafetensors(path)).rejects.toThrow(path);
  });

  test('optimizer state round trip gives identical next steps', async () => {
    const run = (m: Sequential, opt: AdamW, x: ReturnType<typeof randn>) => {
      opt.zeroGrad();
      m.forward(x).pow(2).sum().backward();
      opt.step();
    };
    const x = randn([2, 3], { generator: new Generator(9) });
    const a = model(6);
    const optA = new AdamW(a.parameters(), { lr: 0.1 });
    run(a, optA, x);
    await saveModule(join(dir, 'm.safetensors'), a);
    await saveOptimizer(join(dir, 'o.safetensors'), optA, { step: '1' });
    const b = model(7);
    const optB = new AdamW(b.parameters(), { lr: 0.5 });
    await loadModule(join(dir, 'm.safetensors'), b);
    expect(await loadOptimizer(join(dir, 'o.safetensors'), optB)).toEqual({ step: '1' });
    expect(optB.paramGroups[0]!.lr).toBe(0.1);
    run(a, optA, x);
    run(b, optB, x);
    expect(b.stateDict()['0.weight']!.toArray()).toEqual(a.stateDict()['0.weight']!.toArray());
  });
});
