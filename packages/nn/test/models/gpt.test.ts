import { Generator, Tensor, noGrad, randint, tensor } from '@tsgrad/core';
import { AdamW } from '../../src/optim/index.js';
import type { MLP } from '../../src/layers/index.js';
import { GPT, type GPTConfig } from '../../src/models/index.js';

const base: GPTConfig = {
  vocabSize: 11,
  contextLength: 8,
  dModel: 16,
  numLayers: 2,
  numHeads: 2,
  dFf: 32,
  positional: 'learned',
  norm: 'layernorm',
  ffn: 'gelu',
};

describe('GPT structure', () => {
  test('module tree and parameter names', () => {
    const model = new GPT({ ...base, generator: new Generator(1) });
    expect(model.namedModules().map(([n]) => n).slice(0, 9)).toEqual([
      '',
      'tokenEmbedding',
      'positionEmbedding',
      'blocks',
      'blocks.0',
      'blocks.0.norm1',
      'blocks.0.attn',
      'blocks.0.attn.qProj',
      'blocks.0.attn.kProj',
    ]);
    const names = model.namedParameters().map(([n]) => n);
    expect(names.slice(0, 4)).toEqual(['tokenEmbedding.weight', 'positionEmbedding.weight', 'blocks.0.norm1.weight', 'blocks.0.norm1.bias']);
    expect(names).toContain('blocks.1.ffn.fc2.weight');
    expect(names[names.length - 1]).toBe('lmHead.weight');
  });

  test('parameter counts: learned/gelu/untied, and rope/rmsnorm/swiglu/GQA/tied', () => {
    const d = 16;
    const perBlockGelu = 2 * 2 * d + 4 * d * d + 2 * d * 32;
    expect(new GPT(base).numParameters()).toBe(11 * d + 8 * d + 2 * perBlockGelu + 2 * d + 11 * d);
    const modern = new GPT({ ...base, positional: 'rope', norm: 'rmsnorm', ffn: 'swiglu', numKvHeads: 1, tieWeights: true });
    const perBlock = 2 * d + (d * d + 2 * (d / 2) * d + d * d) + 3 * d * 32;
    expect(modern.positionEmbedding).toBeNull();
    expect(modern.lmHead.weight).toBe(modern.tokenEmbedding.weight);
    expect(modern.numParameters()).toBe(11 * d + 2 * perBlock + d);
    expect(Object.keys(modern.stateDict())).toContain('lmHead.weight');
  });

  test('nanoGPT init: N(0, 0.02), residual projections scaled by 1/√(2·numLayers), seeded', () => {
    const config = { ...base, dModel: 64, dFf: 256, numLayers: 4, bias: true, generator: new Generator(5) };
    const model = new GPT(config);
    const std = (t: Tensor) => {
      const v = Array.from(t.toTypedArray());
      const m = v.reduce((a, x) => a + x, 0) / v.length;
      return Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / v.length);
    };
    expect(std((model.blocks[0]!.ffn as MLP).fc1.weight)).toBeCloseTo(0.02, 2);
    expect(std(model.tokenEmbedding.weight)).toBeCloseTo(0.02, 2);
    expect(std(model.blocks[1]!.attn.outProj.weight) / (0.02 / Math.sqrt(8))).toBeCloseTo(1, 1);
    expect(Array.from(model.blocks[0]!.attn.qProj.bias!.toTypedArray()).every((v) => v === 0)).toBe(true);
    expect(Array.from(model.finalNorm.weight!.toTypedArray()).every((v) => v === 1)).toBe(true);
    const again = new GPT({ ...config, generator: new Generator(5) });
    expect(again.lmHead.weight.toArray()).toEqual(model.lmHead.weight.toArray());
  });

  test('clear errors for bad idx', () => {
    const model = new GPT(base);
    expect(() => model.forward(randint(0, 11, [1, 9]))).toThrow('GPT.forward: sequence length 9 exceeds contextLength 8 (idx [1,9])');
    expect(() => model.forward(tensor([[1, 2]]))).toThrow('GPT.forward: idx must be int32 token ids, got float32');
    expect(() => model.forward(randint(0, 11, [4]))).toThrow('GPT.forward: idx must be (B, T), got shape [4]');
    expect(() => model.forward(randint(0, 11, [1, 4]), randint(0, 11, [1, 3]))).toThrow(/targets must be int32 of the idx shape \[1,4\]/);
    expect(() => new GPT({ ...base, numLayers: 0 })).toThrow('GPT: numLayers must be a positive integer, got 0');
  });

  test('to(float64) keeps the tie and forward/loss work in float64', () => {
    const model = new GPT({ ...base, tieWeights: true }).to('float64');
    expect(model.lmHead.weight).toBe(model.tokenEmbedding.weight);
    const idx = randint(0, 11, [2, 5], { generator: new Generator(3) });
    const { logits, loss } = model.forward(idx, idx);
    expect(logits.shape).toEqual([2, 5, 11]);
    expect(logits.dtype).toBe('float64');
    expect(loss!.dtype).toBe('float64');
    // Small init: logits near zero, so the loss is near log(vocab).
    expect(Math.abs(loss!.item() - Math.log(11))).toBeLessThan(0.3);
  });
});

test('dropout is active in training mode and off after eval()', () => {
  const model = new GPT({ ...base, dropout: 0.3, generator: new Generator(4) });
  const idx = randint(0, 11, [2, 8], { generator: new Generator(5) });
  const logits = () => noGrad(() => model.forward(idx).logits.toArray());
  expect(logits()).not.toEqual(logits());
  model.eval();
  expect(logits()).toEqual(logits());
});

describe('GPT training', () => {
  test('overfits one small batch to near-zero loss', () => {
    const g = new Generator(11);
    const model = new GPT({ ...base, generator: g });
    // Next-token pairs of random sequences whose first tokens differ, so no context has two
    // different targets and the loss can reach zero.
    const seq = randint(0, 11, [4, 9], { generator: g });
    for (let b = 0; b < 4; b++) seq.storage.data[b * 9] = b;
    const idx = seq.slice(1, 0, 8).contiguous();
    const targets = seq.slice(1, 1, 9).contiguous();
    const opt = new AdamW(model.parameters(), { lr: 2e-2, weightDecay: 0 });
    let loss = Infinity;
    for (let step = 0; step < 100 && loss > 0.01; step++) {
      const out = model.forward(idx, targets);
      opt.zeroGrad();
      out.loss!.backward();
      opt.step();
      loss = out.loss!.item();
    }
    expect(loss).toBeLessThan(0.01);
  });

  test('a 2-layer rope/rmsnorm/swiglu GPT learns a next-token rule (manual SGD)', () => {
    const g = new Generator(12);
    const model = new GPT({ ...base, positional: 'rope', norm: 'rmsnorm', ffn: 'swiglu', numKvHeads: 1, generator: g });
    // Next token = current + 1 (mod vocab): learnable from the current token alone.
    const batch = () => {
      const idx = randint(0, 11, [8, 8], { generator: g });
      const next = tensor(Array.from(idx.toTypedArray(), (v) => (v + 1) % 11), { dtype: 'int32', shape: [8, 8] });
      return [idx, next] as const;
    };
    const evalLoss = () => noGrad(() => model.forward(...batch()).loss!.item());
    const before = evalLoss();
    for (let step = 0; step < 60; step++) {
      const { loss } = model.forward(...batch());
      model.zeroGrad();
      loss!.backward();
      noGrad(() => {
        for (const p of model.parameters()) p.sub_(p.grad!.mul(0.5));
      });
    }
    const after = evalLoss();
    expect(before).toBeGreaterThan(2);
    expect(after).toBeLessThan(before / 2);
  });
});

describe('GPT.generate', () => {
  const model = new GPT({ ...base, positional: 'rope', norm: 'rmsnorm', ffn: 'swiglu', generator: new Generator(9) });
  const learned = new GPT({ ...base, generator: new Generator(10) });
  const prompt = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' });

  test('greedy decoding with the KV cache equals full recomputation, past contextLength too', () => {
    for (const m of [model, learned]) {
      const cached = m.generate(prompt, { maxNewTokens: 9, temperature: 0 });
      const uncached = m.generate(prompt, { maxNewTokens: 9, temperature: 0, useCache: false });
      expect(cached.shape).toEqual([2, 12]);
      expect(cached.dtype).toBe('int32');
      expect(cached.toArray()).toEqual(uncached.toArray());
      expect((cached.toArray() as number[][])[0]!.slice(0, 3)).toEqual([1, 2, 3]);
    }
  });

  test('greedy picks the argmax of the last logits', () => {
    const out = learned.generate(prompt, { maxNewTokens: 1, temperature: 0 });
    const last = noGrad(() => learned.eval().forward(prompt).logits.slice(1, 2, 3).reshape([2, 11]));
    learned.train();
    const rows = last.toArray() as number[][];
    const argmax = rows.map((r) => r.indexOf(Math.max(...r)));
    expect((out.toArray() as number[][]).map((r) => r[3])).toEqual(argmax);
  });

  test('sampling is seeded; topK 1 is greedy; mode is restored; no graph is built', () => {
    const a = model.generate(prompt, { maxNewTokens: 5, generator: new Generator(1), topK: 3 });
    const b = model.generate(prompt, { maxNewTokens: 5, generator: new Generator(1), topK: 3 });
    expect(a.toArray()).toEqual(b.toArray());
    expect(model.generate(prompt, { maxNewTokens: 4, topK: 1, generator: new Generator(2) }).toArray()).toEqual(
      model.generate(prompt, { maxNewTokens: 4, temperature: 0 }).toArray(),
    );
    expect(model.generate(prompt, { maxNewTokens: 4, topP: 1e-9, generator: new Generator(2) }).toArray()).toEqual(
      model.generate(prompt, { maxNewTokens: 4, temperature: 0 }).toArray(),
    );
    expect(model.training).toBe(true);
    expect(a.requiresGrad).toBe(false);
  });

  test('stopToken ends rows early and pads finished rows', () => {
    const greedy = model.generate(prompt.slice(0, 0, 1), { maxNewTokens: 6, temperature: 0 });
    const first = (greedy.toArray() as number[][])[0]![3]!;
    const stopped = model.generate(prompt.slice(0, 0, 1), { maxNewTokens: 6, temperature: 0, stopToken: first });
    expect(stopped.shape).toEqual([1, 4]);
    expect(() => model.generate(prompt, { maxNewTokens: 1, stopToken: 11 })).toThrow(/stopToken must be a token id in \[0, 11\)/);
    expect(() => model.generate(prompt, { maxNewTokens: 1, temperature: -1 })).toThrow(/temperature must be a finite number >= 0/);
  });
});
