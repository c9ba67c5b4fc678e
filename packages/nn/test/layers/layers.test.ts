import { Generator, ones, randn, tensor } from '@tsgrad/core';
import { Dropout, Embedding, LayerNorm, Linear, MLP, RMSNorm, SwiGLU } from '../../src/layers/index.js';

describe('Linear', () => {
  test('PyTorch default init: weight and bias in U(−1/√in, 1/√in), seeded', () => {
    const a = new Linear(16, 32, { generator: new Generator(1) });
    const b = new Linear(16, 32, { generator: new Generator(1) });
    const w = Array.from(a.weight.toTypedArray());
    expect(a.weight.shape).toEqual([32, 16]);
    expect(a.bias!.shape).toEqual([32]);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.2);
    expect(Math.max(...Array.from(a.bias!.toTypedArray(), Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Array.from(b.weight.toTypedArray())).toEqual(w);
    expect(a.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
  });

  test('bias: false, float64, forward over leading dims', () => {
    const lin = new Linear(3, 2, { bias: false, dtype: 'float64' });
    expect(lin.bias).toBeNull();
    expect(lin.parameters()).toHaveLength(1);
    lin.weight.storage.data.set([1, 0, 0, 0, 1, 1]);
    const y = lin.forward(tensor([[[1, 2, 3]]], { dtype: 'float64' }));
    expect(y.toArray()).toEqual([[[1, 5]]]);
  });
});

describe('Embedding', () => {
  test('looks up rows for indices of any shape; N(0, 1) init', () => {
    const emb = new Embedding(100, 50, { generator: new Generator(2) });
    const w = Array.from(emb.weight.toTypedArray());
    const mean = w.reduce((a, v) => a + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, v) => a + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(std - 1)).toBeLessThan(0.05);
    const out = emb.forward(tensor([[3, 7], [7, 0]], { dtype: 'int32' }));
    expect(out.shape).toEqual([2, 2, 50]);
    expect(Array.from(out.slice(0, 1, 2).slice(1, 0, 1).toTypedArray())).toEqual(w.slice(350, 400));
    expect(emb.forward(tensor(5, { dtype: 'int32' })).shape).toEqual([50]);
  });

  test('paddingIdx: the row starts at zero and gets no gradient', () => {
    const emb = new Embedding(4, 2, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(3);
    expect(Array.from(emb.weight.toTypedArray()).slice(6)).toEqual([0, 0]);
    emb.weight.storage.data.set([5, 5], 6);
    const out = emb.forward(tensor([3, 1, 3], { dtype: 'int32' }));
    expect(Array.from(out.toTypedArray()).slice(0, 2)).toEqual([5, 5]);
    out.sum().backward();
    expect(Array.from(emb.weight.grad!.toTypedArray())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
  });

  test('clear errors for out-of-range and non-int32 indices', () => {
    const emb = new Embedding(5, 2);
    expect(() => emb.forward(tensor([[0, 5]], { dtype: 'int32' }))).toThrow(
      'Embedding: index 5 (flat position 1 of indices [1,2]) is out of range for 5 embeddings',
    );
    expect(() => emb.forward(tensor([-1], { dtype: 'int32' }))).toThrow(/index -1/);
    expect(() => emb.forward(tensor([1]))).toThrow('Embedding: indices must be int32, got float32 of shape [1]');
    expect(() => new Embedding(5, 2, { paddingIdx: 5 })).toThrow('Embedding: paddingIdx 5 is out of range for 5 embeddings');
  });
});

describe('norm modules', () => {
  test('LayerNorm options control parameters', () => {
    expect(new LayerNorm(4).namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(new LayerNorm(4, { bias: false }).namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(new LayerNorm(4, { elementwiseAffine: false }).parameters()).toEqual([]);
    expect(new RMSNorm(4).namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(new LayerNorm([2, 3], { dtype: 'float64' }).weight!.shape).toEqual([2, 3]);
  });

  test('RMSNorm by hand: [3, 4] has rms √12.5', () => {
    const y = new RMSNorm(2, { eps: 0 }).forward(tensor([[3, 4]], { dtype: 'float64' }));
    const r = Math.sqrt(12.5);
    expect(y.toArray()).toEqual([[3 / r, 4 / r]]);
  });
});

describe('Dropout', () => {
  test('identity in eval mode and for p = 0; zeroes and rescales in training', () => {
    const x = ones([1000]);
    const drop = new Dropout(0.25, { generator: new Generator(4) });
    const y = Array.from(drop.forward(x).toTypedArray());
    const kept = y.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(Math.abs(kept.length / 1000 - 0.75)).toBeLessThan(0.05);
    drop.eval();
    expect(drop.forward(x)).toBe(x);
    expect(new Dropout(0).forward(x)).toBe(x);
    expect(() => new Dropout(1.5)).toThrow('Dropout: p must be in [0, 1], got 1.5');
  });
});

test('MLP and SwiGLU name their layers like PyTorch checkpoints', () => {
  expect(new MLP(4, 8).namedParameters().map(([n, p]) => `${n}:${p.shape}`)).toEqual([
    'fc1.weight:8,4',
    'fc1.bias:8',
    'fc2.weight:4,8',
    'fc2.bias:4',
  ]);
  const swiglu = new SwiGLU(4, 6, { bias: false });
  expect(swiglu.namedParameters().map(([n, p]) => `${n}:${p.shape}`)).toEqual(['w1.weight:6,4', 'w2.weight:4,6', 'w3.weight:6,4']);
  expect(swiglu.forward(randn([2, 3, 4])).shape).toEqual([2, 3, 4]);
});

test('toString shows layer settings', () => {
  expect(new MLP(4, 8, { bias: false }).toString()).toBe(
    'MLP(\n  (fc1): Linear(inFeatures=4, outFeatures=8, bias=false)\n  (fc2): Linear(inFeatures=8, outFeatures=4, bias=false)\n)',
  );
  expect(new Embedding(5, 2, { paddingIdx: 0 }).toString()).toBe('Embedding(5, 2, paddingIdx=0)');
  expect(new LayerNorm(4).toString()).toBe('LayerNorm([4], eps=0.00001, elementwiseAffine=true)');
});
