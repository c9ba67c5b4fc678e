// Audit of issue 5: module tree naming, strict loading, optimizer state round trips,
// hostile checkpoints, clipGradNorm, Embedding paddingIdx, and GPT.generate options.
import { Generator, Tensor, ones, tensor, zeros } from '@tsgrad/core';
import * as ops from '@tsgrad/ops';
import {
  Adam,
  AdamW,
  Embedding,
  GPT,
  Linear,
  Module,
  ModuleList,
  SGD,
  SafetensorsError,
  Sequential,
  StateDictError,
  clipGradNorm,
  loadModuleBytes,
  loadOptimizerBytes,
  parameter,
  parseSafetensors,
  serializeModule,
  serializeOptimizer,
  type GPTConfig,
} from '@tsgrad/nn';

const values = (t: Tensor): number[] => Array.from(t.toTypedArray(), Number);
const snapshot = (m: Module<never, unknown>) => m.parameters().map(values);
const gradOf = (t: Tensor): Tensor => {
  if (t.grad === null) throw new Error('no gradient');
  return t.grad;
};

const SMALL: GPTConfig = {
  vocabSize: 7,
  contextLength: 6,
  dModel: 8,
  numLayers: 2,
  numHeads: 2,
  dFf: 16,
  positional: 'learned',
  norm: 'layernorm',
  ffn: 'gelu',
};

describe('module tree', () => {
  test('parameters are found from properties (own first), ModuleList and nested Sequential named by index', () => {
    class Net extends Module {
      scale = parameter(ones([1]));
      layers = new ModuleList([new Linear(2, 2), new Sequential(new Linear(2, 3, { bias: false }))]);
      head = new Linear(3, 1);
      override forward(x: Tensor): Tensor {
        return x;
      }
    }
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'scale',
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.0.weight',
      'head.weight',
      'head.bias',
    ]);
    expect(net.numParameters()).toBe(1 + 6 + 6 + 4);
    expect(net.children().length).toBe(2);
    expect(net.modules().length).toBe(6);
  });

  test('strict loadStateDict lists every problem in one error and changes nothing; non-strict still refuses mismatches', () => {
    const model = new Linear(3, 2, { generator: new Generator(1) });
    const before = snapshot(model);
    const bad = { weight: zeros([3, 2]), extra: zeros([1]) }; // transposed weight, missing bias, extra key
    let error: unknown;
    try {
      model.loadStateDict(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StateDictError);
    const msg = (error as Error).message;
    expect(msg).toMatch(/missing keys: bias/);
    expect(msg).toMatch(/unexpected keys: extra/);
    expect(msg).toMatch(/'weight'.*\[3,2\].*\[2,3\]/);
    expect(snapshot(model)).toEqual(before);
    expect(() => model.loadStateDict({ weight: zeros([2, 3], { dtype: 'float64' }) }, { strict: false })).toThrow(/float64.*float32/);
    expect(snapshot(model)).toEqual(before);
  });
});

describe('optimizer state', () => {
  function trained(make: (ps: Tensor[]) => { step(): void }, seed: number) {
    const params = [tensor([1, -2, 3], { dtype: 'float64', requiresGrad: true }), tensor([[0.5]], { dtype: 'float64', requiresGrad: true })];
    const opt = make(params);
    const g = new Generator(seed);
    for (let i = 0; i < 3; i++) {
      for (const p of params) p.grad = ops.mul(ones(p.shape, { dtype: 'float64' }), g.normal());
      opt.step();
    }
    return { params, opt };
  }

  test.each([
    ['SGD nesterov', (ps: Tensor[]) => new SGD([{ params: [ps[0]!] }, { params: [ps[1]!], lr: 0.01 }], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
    ['Adam', (ps: Tensor[]) => new Adam(ps, { lr: 0.05, weightDecay: 0.1 })],
    ['AdamW groups', (ps: Tensor[]) => new AdamW([{ params: [ps[0]!], weightDecay: 0 }, { params: [ps[1]!] }], { lr: 0.05 })],
  ] as const)('%s: a round trip through checkpoint bytes gives identical next steps', (_name, make) => {
    const a = trained(make as (ps: Tensor[]) => SGD, 3);
    const b = trained(make as (ps: Tensor[]) => SGD, 3);
    const fresh = (make as (ps: Tensor[]) => SGD)(b.params);
    loadOptimizerBytes(fresh, serializeOptimizer(a.opt as SGD));
    for (const [opt, params] of [[a.opt, a.params], [fresh, b.params]] as const) {
      params.forEach((p, i) => (p.grad = ops.mul(ones(p.shape, { dtype: 'float64' }), 0.3 + i)));
      opt.step();
    }
    expect(a.params.map(values)).toEqual(b.params.map(values));
  });

  test('stateDict() is a snapshot: mutating it does not change the optimizer', () => {
    const opt = new Adam([tensor([1], { requiresGrad: true })]);
    const sd = opt.stateDict();
    (sd.paramGroups[0]!.betas as number[])[0] = 0.5;
    expect(opt.paramGroups[0]!.betas[0]).toBe(0.9);
  });

  test('loadStateDict refuses options the constructor would refuse', () => {
    const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
    const sd = opt.stateDict();
    expect(() => opt.loadStateDict({ ...sd, paramGroups: [{ ...sd.paramGroups[0]!, lr: -1 }] })).toThrow(/lr/);
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
  });
});

describe('hostile checkpoints', () => {
  function file(header: string, data: Uint8Array = new Uint8Array(0), lengthOverride?: bigint): Uint8Array {
    const text = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + text.length + data.length);
    new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(text.length), true);
    out.set(text, 8);
    out.set(data, 8 + text.length);
    return out;
  }
  const cases: [string, Uint8Array, RegExp][] = [
    ['header length 2^64-1', file('{}', undefined, 2n ** 64n - 1n), /header length/],
    ['offsets past the end', file('{"weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'), /past the data buffer/],
    ['fractional offsets', file('{"weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}}', new Uint8Array(5)), /data_offsets/],
    ['NaN is not JSON', file('{"weight":{"dtype":"F32","shape":[NaN],"data_offsets":[0,4]}}', new Uint8Array(4)), /not valid JSON/],
    ['shape overflow', file('{"weight":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}', new Uint8Array(4)), /needs|bytes/],
    ['__proto__ tensor', file('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)), /forbidden key/],
    ['truncated data', file('{"weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', new Uint8Array(7)), /past the data buffer/],
  ];
  test.each(cases)('%s is rejected and the module is unchanged', (_name, bytes, pattern) => {
    const model = new Linear(1, 1, { bias: false, generator: new Generator(2) });
    const before = snapshot(model);
    expect(() => parseSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => loadModuleBytes(model, bytes)).toThrow(pattern);
    expect(snapshot(model)).toEqual(before);
  });

  test('a valid checkpoint of another shape is refused whole, nothing loaded', () => {
    const src = new GPT({ ...SMALL, generator: new Generator(1) });
    const dst = new GPT({ ...SMALL, dFf: 12, generator: new Generator(2) });
    const before = snapshot(dst);
    expect(() => loadModuleBytes(dst, serializeModule(src))).toThrow(/ffn\.fc1\.weight.*\[16,8\].*\[12,8\]/);
    expect(snapshot(dst)).toEqual(before);
  });
});

describe('clipGradNorm', () => {
  test('skips parameters without gradients, returns the norm over the rest, scales like PyTorch', () => {
    const none = tensor([1, 2], { requiresGrad: true });
    const p = tensor([0, 0], { dtype: 'float64', requiresGrad: true });
    p.grad = tensor([3, 4], { dtype: 'float64' });
    const q = tensor([0], { dtype: 'float64', requiresGrad: true });
    q.grad = tensor([12], { dtype: 'float64' });
    expect(clipGradNorm([none, p, q], 6.5)).toBe(13);
    expect(none.grad).toBeNull();
    const coef = 6.5 / (13 + 1e-6);
    expect(values(p.grad)).toEqual([3 * coef, 4 * coef]);
    expect(clipGradNorm([none], 1)).toBe(0);
    expect(() => clipGradNorm([p], 0)).toThrow(/clipGradNorm: maxNorm/);
  });
});

describe('Embedding paddingIdx', () => {
  test.each([1, -3])('paddingIdx %p: the row starts at zero, lookups return it, and it never gets gradient', (paddingIdx) => {
    const e = new Embedding(4, 3, { paddingIdx, generator: new Generator(4), dtype: 'float64' });
    expect(e.paddingIdx).toBe(1);
    expect(values(ops.slice(e.weight, 0, 1, 2))).toEqual([0, 0, 0]);
    const out = e.forward(tensor([[1, 2], [1, 1]], { dtype: 'int32' }));
    expect(out.shape).toEqual([2, 2, 3]);
    ops.sum(ops.mul(out, 3)).backward();
    expect(values(ops.slice(gradOf(e.weight), 0, 1, 2))).toEqual([0, 0, 0]);
    expect(values(ops.slice(gradOf(e.weight), 0, 2, 3))).toEqual([3, 3, 3]);
  });
});

describe('GPT.generate', () => {
  const model = new GPT({ ...SMALL, generator: new Generator(5) });
  const idx = tensor([[1, 2], [3, 4]], { dtype: 'int32' });

  test('same seed, same tokens for every sampling option; the cache does not change the result', () => {
    for (const opts of [{}, { temperature: 0.7 }, { topK: 2 }, { topP: 0.8 }, { temperature: 1.5, topK: 4, topP: 0.9 }]) {
      const run = (seed: number, useCache = true) => values(model.generate(idx, { maxNewTokens: 8, generator: new Generator(seed), useCache, ...opts }));
      expect(run(11)).toEqual(run(11));
      expect(run(11, false)).toEqual(run(11));
    }
  });

  test('temperature 0 is greedy and ignores the generator; stopToken pads finished rows', () => {
    const a = model.generate(idx, { maxNewTokens: 8, temperature: 0, generator: new Generator(1) });
    const b = model.generate(idx, { maxNewTokens: 8, temperature: 0, generator: new Generator(2) });
    expect(values(a)).toEqual(values(b));
    const stop = values(a)[2]!; // the first token row 0 emits
    const stopped = model.generate(idx, { maxNewTokens: 8, temperature: 0, stopToken: stop });
    const row0 = stopped.toArray() as number[][];
    expect(row0[0]!.slice(2).every((t) => t === stop)).toBe(true);
  });

  test('bad sampling options are refused naming the option', () => {
    expect(() => model.generate(idx, { maxNewTokens: 1, topK: 0 })).toThrow(/GPT.generate: topK/);
    expect(() => model.generate(idx, { maxNewTokens: 1, topP: 0 })).toThrow(/GPT.generate: topP/);
    expect(() => model.generate(idx, { maxNewTokens: 1, temperature: -1 })).toThrow(/GPT.generate: temperature/);
    expect(() => model.generate(idx, { maxNewTokens: 1, stopToken: 7 })).toThrow(/GPT.generate: stopToken/);
  });
});
