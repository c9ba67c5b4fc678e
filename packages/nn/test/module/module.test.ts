import { Tensor, add, mul, ones, tensor, zeros } from '@tsgrad/core';
import { Module, ModuleList, Sequential, StateDictError, isParameter, parameter } from '../../src/module/index.js';

class Scale extends Module {
  weight: Tensor;
  bias: Tensor | null;
  constructor(n: number, bias = true) {
    super();
    this.weight = parameter(ones([n]));
    this.bias = bias ? parameter(zeros([n])) : null;
  }
  override forward(x: Tensor): Tensor {
    const y = mul(x, this.weight);
    return this.bias === null ? y : add(y, this.bias);
  }
}

class Block extends Module {
  first = new Scale(3);
  second = new Scale(3, false);
  override forward(x: Tensor): Tensor {
    return this.second.forward(this.first.forward(x));
  }
}

class Net extends Module {
  embed: Scale;
  blocks: ModuleList<Block>;
  head: Scale;
  constructor(tie: boolean) {
    super();
    this.embed = new Scale(3);
    this.blocks = new ModuleList([new Block(), new Block()]);
    this.head = new Scale(3);
    if (tie) this.head.weight = this.embed.weight;
    this.registerBuffer('steps', tensor([0], { dtype: 'float32' }));
    this.registerBuffer('scratch', zeros([2]), { persistent: false });
  }
  override forward(x: Tensor): Tensor {
    let h = this.embed.forward(x);
    for (const block of this.blocks) h = block.forward(h);
    return this.head.forward(h);
  }
}

const NAMES = [
  'embed.weight',
  'embed.bias',
  'blocks.0.first.weight',
  'blocks.0.first.bias',
  'blocks.0.second.weight',
  'blocks.1.first.weight',
  'blocks.1.first.bias',
  'blocks.1.second.weight',
];

describe('Module tree', () => {
  test('parameters are found from properties in declaration order with dotted names', () => {
    const net = new Net(false);
    expect(net.namedParameters().map(([n]) => n)).toEqual([...NAMES, 'head.weight', 'head.bias']);
    expect(net.parameters().every((p) => p.requiresGrad && isParameter(p))).toBe(true);
    expect(net.numParameters()).toBe(10 * 3);
  });

  test('modules, children and names', () => {
    const net = new Net(false);
    expect(net.namedModules().map(([n]) => n)).toEqual([
      '',
      'embed',
      'blocks',
      'blocks.0',
      'blocks.0.first',
      'blocks.0.second',
      'blocks.1',
      'blocks.1.first',
      'blocks.1.second',
      'head',
    ]);
    expect(net.children()).toEqual([net.embed, net.blocks, net.head]);
    expect(net.modules()).toHaveLength(10);
    expect(net.blocks.length).toBe(2);
    expect(net.blocks[1]).toBe(net.blocks.at(-1));
    expect([...net.blocks]).toEqual([net.blocks[0], net.blocks[1]]);
    expect(() => net.blocks.at(2)).toThrow(/ModuleList.at: index 2 is out of range for a list of 2/);
  });

  test('tied weights appear once in parameters and under both names in stateDict', () => {
    const net = new Net(true);
    expect(net.head.weight).toBe(net.embed.weight);
    expect(net.namedParameters().map(([n]) => n)).toEqual([...NAMES, 'head.bias']);
    expect(net.numParameters()).toBe(9 * 3);
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(['steps', ...NAMES, 'head.weight', 'head.bias']);
    expect(sd['head.weight']!.storage).toBe(net.embed.weight.storage);
    expect(sd['head.weight']!.requiresGrad).toBe(false);
  });

  test('buffers: persistent ones in stateDict, all in namedBuffers, none in parameters', () => {
    const net = new Net(false);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['steps', 'scratch']);
    expect(Object.keys(net.stateDict())).toContain('steps');
    expect(Object.keys(net.stateDict())).not.toContain('scratch');
    expect(net.parameters()).not.toContain(net.buffers()[0]);
  });

  test('train/eval reach every module', () => {
    const net = new Net(false);
    expect(net.training).toBe(true);
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.blocks[0]!.second.training).toBe(true);
  });

  test('zeroGrad sets grads to null', () => {
    const net = new Net(false);
    net.forward(ones([3])).sum().backward();
    expect(net.embed.weight.grad).not.toBeNull();
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  test('to(dtype) converts parameters and float buffers and keeps ties', () => {
    const net = new Net(true);
    net.forward(ones([3])).sum().backward();
    net.to('float64');
    expect(net.parameters().every((p) => p.dtype === 'float64' && p.requiresGrad && isParameter(p))).toBe(true);
    expect(net.head.weight).toBe(net.embed.weight);
    expect(net.embed.weight.grad!.dtype).toBe('float64');
    expect(net.buffers().map((b) => b.dtype)).toEqual(['float64', 'float64']);
    expect(net.numParameters()).toBe(27);
    expect(net.forward(ones([3], { dtype: 'float64' })).dtype).toBe('float64');
  });

  test('Sequential chains and names its children 0, 1, ...', () => {
    const seq = new Sequential(new Scale(2), new Scale(2, false));
    (seq[0] as Scale).weight.storage.data.set([2, 3]);
    expect(seq.forward(tensor([1, 1])).toArray()).toEqual([2, 3]);
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.weight']);
    expect(seq.length).toBe(2);
  });

  test('registerParameter/registerModule for computed names; parameter() refuses non-leaves and ints', () => {
    class Dyn extends Module {
      constructor() {
        super();
        this.registerParameter('alpha', ones([1]));
        this.registerParameter('beta', null);
        this.registerModule('inner', new Scale(1));
      }
      override forward(x: Tensor): Tensor {
        return x;
      }
    }
    expect(new Dyn().namedParameters().map(([n]) => n)).toEqual(['alpha', 'inner.weight', 'inner.bias']);
    const leaf = ones([2], { requiresGrad: true });
    expect(() => parameter(mul(leaf, 2))).toThrow(/parameter: tensor of shape \[2\] is the result of an op/);
    expect(() => parameter(zeros([2], { dtype: 'int32' }))).toThrow(/float32 or float64, got int32/);
  });
});

describe('loadStateDict', () => {
  test('round-trips values and keeps parameter identity', () => {
    const a = new Net(false);
    const b = new Net(false);
    a.embed.weight.storage.data.set([1, 2, 3]);
    a.head.bias!.storage.data.set([4, 5, 6]);
    const before = b.embed.weight;
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.embed.weight).toBe(before);
    expect(b.embed.weight.requiresGrad).toBe(true);
    expect(b.embed.weight.toArray()).toEqual([1, 2, 3]);
    expect(b.head.bias!.toArray()).toEqual([4, 5, 6]);
  });

  test('strict: one error lists missing, unexpected and mismatched keys, and nothing changes', () => {
    const net = new Net(false);
    const sd = new Net(false).stateDict();
    for (const t of Object.values(sd)) t.storage.data.fill(7);
    delete sd['embed.bias'];
    delete sd['head.weight'];
    sd['extra.weight'] = ones([1]);
    sd['blocks.0.first.weight'] = ones([4]);
    sd['blocks.1.first.bias'] = zeros([3], { dtype: 'float64' });
    let error: unknown;
    try {
      net.loadStateDict(sd);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    const err = error as StateDictError;
    expect(err.missingKeys).toEqual(['embed.bias', 'head.weight']);
    expect(err.unexpectedKeys).toEqual(['extra.weight']);
    expect(err.mismatches).toHaveLength(2);
    expect(err.message).toMatch(/missing keys: embed.bias, head.weight/);
    expect(err.message).toMatch(/unexpected keys: extra.weight/);
    expect(err.message).toMatch(/'blocks.0.first.weight': checkpoint \[4\] float32, model \[3\] float32/);
    expect(err.message).toMatch(/'blocks.1.first.bias': checkpoint \[3\] float64, model \[3\] float32/);
    expect(net.embed.weight.toArray()).toEqual([1, 1, 1]);
    expect(net.blocks[1]!.second.weight.toArray()).toEqual([1, 1, 1]);
  });

  test('non-strict loads what matches and reports the rest; mismatches still throw', () => {
    const net = new Net(false);
    const sd = { 'embed.weight': tensor([5, 6, 7]), 'other.x': ones([1]) };
    const result = net.loadStateDict(sd, { strict: false });
    expect(result.unexpectedKeys).toEqual(['other.x']);
    expect(result.missingKeys).toHaveLength(NAMES.length + 1 + 2 - 1);
    expect(net.embed.weight.toArray()).toEqual([5, 6, 7]);
    expect(() => net.loadStateDict({ 'embed.weight': ones([2]) }, { strict: false })).toThrow(StateDictError);
    expect(net.embed.weight.toArray()).toEqual([5, 6, 7]);
  });

  test('loading the module its own state dict is a no-op; tied weights load through either name', () => {
    const net = new Net(true);
    net.embed.weight.storage.data.set([1, 2, 3]);
    net.loadStateDict(net.stateDict());
    expect(net.embed.weight.toArray()).toEqual([1, 2, 3]);
    const sd = net.stateDict();
    sd['embed.weight'] = tensor([9, 9, 9]);
    sd['head.weight'] = tensor([9, 9, 9]);
    net.loadStateDict(sd);
    expect(net.head.weight.toArray()).toEqual([9, 9, 9]);
  });

  test('accepts a Map', () => {
    const net = new Net(false);
    const map = new Map(Object.entries(net.stateDict()).map(([k, v]) => [k, v.clone()]));
    map.get('head.bias')!.storage.data.set([1, 2, 3]);
    net.loadStateDict(map);
    expect(net.head.bias!.toArray()).toEqual([1, 2, 3]);
  });
});

test('toString prints the module tree with each layer settings', () => {
  const seq = new Sequential(new Scale(2), new Sequential(new Scale(1, false)));
  expect(seq.toString()).toBe('Sequential(\n  (0): Scale()\n  (1): Sequential(\n    (0): Scale()\n  )\n)');
});

test('loadStateDict reads every source before writing (sources aliasing other targets)', () => {
  const net = new Net(false);
  net.embed.weight.storage.data.set([1, 2, 3]);
  net.head.weight.storage.data.set([4, 5, 6]);
  const sd = net.stateDict();
  const swapped = { ...sd, 'embed.weight': sd['head.weight']!, 'head.weight': sd['embed.weight']! };
  net.loadStateDict(swapped);
  expect(net.embed.weight.toArray()).toEqual([4, 5, 6]);
  expect(net.head.weight.toArray()).toEqual([1, 2, 3]);
});
