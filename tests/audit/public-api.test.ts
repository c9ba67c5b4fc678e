// Audit: every name of DESIGN.md's "Public API contract" exists in the right package and
// takes the documented call shape. Written against the public entry points only, typed, so
// `tsc --strict` over this file also checks the shapes (see tests/audit/README.md).
import {
  Generator,
  Tensor,
  arange,
  eye,
  full,
  grad,
  isGradEnabled,
  manualSeed,
  noGrad,
  ones,
  rand,
  randn,
  tensor,
  zeros,
} from '@tsgrad/core';
import * as ops from '@tsgrad/ops';
import * as nn from '@tsgrad/nn';
import {
  AdamW,
  Dropout,
  Embedding,
  GPT,
  LayerNorm,
  Linear,
  MLP,
  MultiHeadSelfAttention,
  RMSNorm,
  SGD,
  SwiGLU,
  TransformerBlock,
  clipGradNorm,
  crossEntropy,
  gelu,
  gradcheck,
  gradgradcheck,
  lrCosineSchedule,
  rope,
  scaledDotProductAttention,
  type Module,
} from '@tsgrad/nn';

const values = (t: Tensor): number[] => Array.from(t.toTypedArray(), Number);

describe('@tsgrad/core contract', () => {
  test('factories take the documented arguments', () => {
    const a = tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    expect([a.dtype, a.requiresGrad, a.shape]).toEqual(['float64', true, [2, 2]]);
    const b = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
    expect(b.shape).toEqual([2, 3]);
    expect(values(zeros([2], { dtype: 'int32' }))).toEqual([0, 0]);
    expect(values(ones([2]))).toEqual([1, 1]);
    expect(values(full([2], 7))).toEqual([7, 7]);
    expect(values(arange(3))).toEqual([0, 1, 2]);
    expect(values(arange(1, 7, 2))).toEqual([1, 3, 5]);
    expect(values(eye(2))).toEqual([1, 0, 0, 1]);
    const g = new Generator(5);
    const r1 = randn([3], { dtype: 'float64', generator: g });
    expect(r1.dtype).toBe('float64');
    expect(values(rand([3], { generator: new Generator(5) })).every((v) => v >= 0 && v < 1)).toBe(true);
    manualSeed(11);
    const x1 = values(randn([4]));
    manualSeed(11);
    expect(values(randn([4]))).toEqual(x1);
  });

  test('noGrad, isGradEnabled and grad(outputs, inputs, { gradOutputs, retainGraph, createGraph, allowUnused })', () => {
    expect(isGradEnabled()).toBe(true);
    const inside = noGrad(() => isGradEnabled());
    expect(inside).toBe(false);
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const unused = tensor([1], { dtype: 'float64', requiresGrad: true });
    const y = ops.mul(x, x);
    const [gx, gu] = grad([y], [x, unused], {
      gradOutputs: [tensor([1, 1, 1], { dtype: 'float64' })],
      retainGraph: true,
      createGraph: true,
      allowUnused: true,
    });
    expect(values(gx!)).toEqual([2, 4, 6]);
    expect(gu).toBeNull();
    expect(gx!.requiresGrad).toBe(true); // createGraph
    expect(x.grad).toBeNull(); // grad() does not touch .grad
  });

  test('Tensor properties and methods', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    expect([t.shape, t.dtype, t.ndim, t.size, t.requiresGrad, t.grad]).toEqual([[2, 3], 'float32', 2, 6, true, null]);
    const leaf = tensor([1]);
    leaf.requiresGrad = true; // settable on leaves
    expect(leaf.requiresGrad).toBe(true);
    const s = t.sum();
    s.backward(undefined, { retainGraph: true });
    expect(values(t.grad!)).toEqual([1, 1, 1, 1, 1, 1]);
    t.grad = null; // settable
    expect(t.grad).toBeNull();
    expect(t.detach().requiresGrad).toBe(false);
    expect(s.item()).toBe(21);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(t.toTypedArray()).toBeInstanceOf(Float32Array);
    expect(t.toString()).toContain('[2, 3]');
    // chained ops from @tsgrad/ops
    expect(values(t.detach().matmul(tensor([[1], [1], [1]])))).toEqual([6, 15]);
    expect(values(t.detach().softmax(-1).sum(-1))).toEqual([expect.closeTo(1, 6), expect.closeTo(1, 6)]);
  });
});

describe('@tsgrad/ops contract', () => {
  const names = [
    ...'add sub mul div neg exp log sqrt pow tanh sigmoid relu sum mean max matmul softmax logSoftmax maskedFill'.split(' '),
    ...'where reshape transpose permute expand unsqueeze squeeze cat stack slice gather triu tril'.split(' '),
    // issue 3's list
    ...'log1p rsqrt abs sign gelu silu erf clamp maximum minimum eq ne lt le gt ge logicalAnd logicalOr logicalNot'.split(' '),
    ...'var std min argmax argmin logsumexp prod view flatten narrow split chunk repeat repeatInterleave'.split(' '),
    ...'indexSelect oneHot dropout add_ mul_ sub_ div_ zero_ fill_ copy_ clamp_'.split(' '),
  ];
  test.each(names)('%s is an exported function', (name) => {
    expect(typeof (ops as Record<string, unknown>)[name]).toBe('function');
  });

  const chained = names.filter((n) => !['cat', 'stack', 'where', 'logicalAnd', 'logicalOr'].includes(n));
  test.each(chained)('%s is chained on Tensor', (name) => {
    expect(typeof (Tensor.prototype as unknown as Record<string, unknown>)[name]).toBe('function');
  });

  test('max(x, dim, keepDim) gives values and indices; softmax(x, dim); maskedFill(x, mask, value)', () => {
    const x = tensor([[1, 5, 2], [7, 0, 3]]);
    const m = ops.max(x, 1, true);
    expect(values(m.values)).toEqual([5, 7]);
    expect(m.values.shape).toEqual([2, 1]);
    expect(values(m.indices)).toEqual([1, 0]);
    expect(ops.max(x).item()).toBe(7);
    const filled = ops.maskedFill(x, tensor([true, false, false]), -1);
    expect(values(filled)).toEqual([-1, 5, 2, -1, 0, 3]);
  });
});

describe('@tsgrad/nn contract', () => {
  test('scaledDotProductAttention(q, k, v, { attnMask, dropoutP, isCausal, scale, returnWeights })', () => {
    const q = randn([2, 3, 4], { generator: new Generator(1) });
    const out: Tensor = scaledDotProductAttention(q, q, q, {
      attnMask: ones([3, 3], { dtype: 'bool' }),
      dropoutP: 0,
      isCausal: true,
      scale: 0.5,
    });
    expect(out.shape).toEqual([2, 3, 4]);
    const { output, weights } = scaledDotProductAttention(q, q, q, { isCausal: true, returnWeights: true });
    expect(output.shape).toEqual([2, 3, 4]);
    expect(weights.shape).toEqual([2, 3, 3]);
  });

  test('new MultiHeadSelfAttention({ dModel, numHeads, numKvHeads, causal, bias, dropout, rope: { theta, maxSeqLen } })', () => {
    const attn = new MultiHeadSelfAttention({
      dModel: 8,
      numHeads: 4,
      numKvHeads: 2,
      causal: true,
      bias: true,
      dropout: 0.1,
      rope: { theta: 10000, maxSeqLen: 16 },
    });
    for (const p of [attn.qProj, attn.kProj, attn.vProj, attn.outProj]) expect(p).toBeInstanceOf(Linear);
    expect(attn.qProj.weight.shape).toEqual([8, 8]);
    expect(attn.kProj.weight.shape).toEqual([4, 8]); // [out, in] with 2 kv heads of size 2
    attn.eval();
    expect(attn.forward(randn([1, 5, 8])).shape).toEqual([1, 5, 8]);
  });

  test('layers: Linear(inF, outF, { bias }), Embedding(num, dim), LayerNorm/RMSNorm(dim, { eps }), Dropout, MLP, SwiGLU', () => {
    const lin = new Linear(3, 2, { bias: false });
    expect(lin.weight.shape).toEqual([2, 3]);
    expect(lin.bias).toBeNull();
    expect(new Embedding(5, 4).weight.shape).toEqual([5, 4]);
    expect(new LayerNorm(4, { eps: 1e-6 }).forward(randn([2, 4])).shape).toEqual([2, 4]);
    expect(new RMSNorm(4, { eps: 1e-6 }).forward(randn([2, 4])).shape).toEqual([2, 4]);
    expect(new Dropout(0.5).eval().forward(ones([3])).toArray()).toEqual([1, 1, 1]);
    const mlp = new MLP(4, 16);
    expect([mlp.fc1.weight.shape, mlp.fc2.weight.shape]).toEqual([[16, 4], [4, 16]]);
    const swi = new SwiGLU(4, 6);
    expect([swi.w1.weight.shape, swi.w2.weight.shape, swi.w3.weight.shape]).toEqual([[6, 4], [4, 6], [6, 4]]);
  });

  test("gelu(x, { approximate: 'tanh' }), rope(x, positions, { theta }), crossEntropy(logits, target, opts)", () => {
    const x = tensor([1], { dtype: 'float64' });
    expect(gelu(x).item()).toBeCloseTo(0.8413447460685429, 12);
    expect(gelu(x, { approximate: 'tanh' }).item()).toBeCloseTo(0.8411919906082768, 12);
    expect(gelu(x, { approximate: 'none' }).item()).toBeCloseTo(0.8413447460685429, 12);
    const r = rope(tensor([[1, 0]], { dtype: 'float64' }), [1], { theta: 10000 });
    expect(values(r)).toEqual([expect.closeTo(Math.cos(1), 12), expect.closeTo(Math.sin(1), 12)]);
    const loss = crossEntropy(tensor([[0, 0]]), tensor([1], { dtype: 'int32' }), { reduction: 'sum', ignoreIndex: -1, labelSmoothing: 0 });
    expect(loss.item()).toBeCloseTo(Math.log(2), 6);
  });

  test('SGD(params, opts), AdamW(params, { lr, betas, eps, weightDecay }), clipGradNorm, lrCosineSchedule', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    p.grad = tensor([3, 4]);
    expect(clipGradNorm([p], 1)).toBeCloseTo(5, 6);
    new SGD([p], { lr: 0.1, momentum: 0.9 }).step();
    const q = tensor([1], { requiresGrad: true });
    q.grad = tensor([1]);
    new AdamW([q], { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }).step();
    expect(q.item()).toBeCloseTo(0.9, 5);
    expect(lrCosineSchedule(5, { maxLr: 1, minLr: 0.1, warmupSteps: 10, cosineSteps: 20 })).toBeCloseTo(0.5, 12);
  });

  test('GPT options incl. numKvHeads, ropeTheta, normEps, tieWeights; forward(idx, targets) -> { logits, loss }; submodule names', () => {
    const model = new GPT({
      vocabSize: 11,
      contextLength: 8,
      dModel: 8,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 2,
      dFf: 16,
      positional: 'rope',
      ropeTheta: 500,
      norm: 'rmsnorm',
      normEps: 1e-6,
      ffn: 'swiglu',
      bias: false,
      dropout: 0,
      tieWeights: true,
    });
    const idx = tensor([[1, 2, 3]], { dtype: 'int32' });
    const { logits, loss } = model.forward(idx, idx);
    expect(logits.shape).toEqual([1, 3, 11]);
    expect(loss).not.toBeNull();
    expect(model.lmHead.weight).toBe(model.tokenEmbedding.weight);
    expect(model.positionEmbedding).toBeNull();
    const names = model.stateDict();
    for (const key of ['tokenEmbedding.weight', 'blocks.0.norm1.weight', 'blocks.1.attn.qProj.weight', 'blocks.0.ffn.w3.weight', 'finalNorm.weight', 'lmHead.weight']) {
      expect(Object.keys(names)).toContain(key);
    }
    const block = new TransformerBlock({ dModel: 8, numHeads: 2, dFf: 16, positional: 'learned', norm: 'layernorm', ffn: 'gelu' });
    expect(block.children().length).toBe(4);
    expect(block.namedChildren().map(([n]) => n)).toEqual(['norm1', 'attn', 'norm2', 'ffn']);
  });

  test('Module: forward parameters namedParameters stateDict loadStateDict(sd, { strict }) train eval to(dtype)', () => {
    const m: Module = new Linear(2, 2);
    expect(m.parameters().length).toBe(2);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    const sd = m.stateDict();
    expect(m.loadStateDict({ ...sd, extra: zeros([1]) }, { strict: false }).unexpectedKeys).toEqual(['extra']);
    expect(m.eval().training).toBe(false);
    expect(m.train().training).toBe(true);
    m.to('float64');
    expect(m.parameters().map((p) => p.dtype)).toEqual(['float64', 'float64']);
    expect(m.forward(ones([1, 2], { dtype: 'float64' })).dtype).toBe('float64');
  });

  test('gradcheck(fn, inputs, opts) and gradgradcheck(fn, inputs, opts)', () => {
    const x = randn([3], { dtype: 'float64', generator: new Generator(2) });
    x.requiresGrad = true;
    expect(gradcheck((t) => ops.tanh(t), [x], { atol: 1e-5 }).passed).toBe(true);
    expect(gradgradcheck((t) => ops.tanh(t), [x]).passed).toBe(true);
    expect(typeof nn.GradcheckError).toBe('function');
  });
});
