import { ArgumentError, Generator, randn, registeredOps, tensor, type Tensor } from '@tsgrad/core';
import '@tsgrad/ops';

// The public functions map negative dims (PyTorch style) before calling an op; `Op.apply`, as
// registeredOps() hands it out, takes dims the way the kernels read them. Each op that takes a
// dim refuses one its function could not have passed (negative, out of range, unsorted or
// repeated in a reduction list), instead of indexing the wrong dimension.

const g = new Generator(5);
const x = randn([2, 3, 4], { generator: g });
const cut = randn([2, 3, 2], { generator: g });
const rowIndex = tensor([0, 2], { dtype: 'int32' });
const columnIndex = tensor([[[1], [3], [0]], [[2], [2], [1]]], { dtype: 'int32' }); // (2, 3, 1)
const column = randn([2, 3, 1], { generator: g });
const picks = tensor([[0, 1, 3], [2, 2, 0]], { dtype: 'int32' }); // (2, 3)
const picked = randn([2, 3], { generator: g });

interface Case {
  op: string;
  inputs: Record<string, Tensor>;
  good: Record<string, unknown>;
  bad: Record<string, unknown>;
}

const reduce = (op: string, extra: Record<string, unknown> = {}): Case[] => [
  { op, inputs: { x }, good: { dims: [0, 2], keepDim: false, ...extra }, bad: { dims: [-1], keepDim: false, ...extra } },
  { op, inputs: { x }, good: { dims: [1], keepDim: true, ...extra }, bad: { dims: [2, 0], keepDim: false, ...extra } },
  { op, inputs: { x }, good: { dims: [2], keepDim: false, ...extra }, bad: { dims: [3], keepDim: false, ...extra } },
];

const cases: Case[] = [
  ...reduce('sum'),
  ...reduce('mean'),
  ...reduce('amax'),
  ...reduce('amin'),
  ...reduce('prod'),
  ...reduce('logsumexp'),
  ...reduce('var', { correction: 1 }),
  ...reduce('std', { correction: 1 }),
  { op: 'argmax', inputs: { x }, good: { dims: [2], keepDim: false }, bad: { dims: [-1], keepDim: false } },
  { op: 'argmin', inputs: { x }, good: { dims: [1], keepDim: true }, bad: { dims: [1, 1], keepDim: true } },
  { op: 'permute', inputs: { x }, good: { dims: [2, 0, 1] }, bad: { dims: [2, 0, -2] } },
  { op: 'permute', inputs: { x }, good: { dims: [1, 0, 2] }, bad: { dims: [1, 1, 2] } },
  { op: 'slice', inputs: { x }, good: { dim: 2, start: 1, end: 3, step: 1 }, bad: { dim: -1, start: 1, end: 3, step: 1 } },
  { op: 'slice', inputs: { x }, good: { dim: 2, start: 0, end: 4, step: 2 }, bad: { dim: 2, start: -2, end: 4, step: 1 } },
  {
    op: 'sliceBackward',
    inputs: { dy: cut },
    good: { dim: 2, start: 0, end: 2, step: 1, shape: [2, 3, 4] },
    bad: { dim: -1, start: 0, end: 2, step: 1, shape: [2, 3, 4] },
  },
  { op: 'softmax', inputs: { x }, good: { dim: 2 }, bad: { dim: -1 } },
  { op: 'logSoftmax', inputs: { x }, good: { dim: 0 }, bad: { dim: 3 } },
  { op: 'softmaxBackward', inputs: { dy: x, y: x }, good: { dim: 1 }, bad: { dim: -2 } },
  { op: 'logSoftmaxBackward', inputs: { dy: x, y: x }, good: { dim: 2 }, bad: { dim: -1 } },
  { op: 'indexSelect', inputs: { x, index: rowIndex }, good: { dim: 2 }, bad: { dim: -1 } },
  { op: 'indexSelectBackward', inputs: { dy: cut, index: rowIndex }, good: { dim: 2, shape: [2, 3, 4] }, bad: { dim: -1, shape: [2, 3, 4] } },
  { op: 'gather', inputs: { x, index: columnIndex }, good: { dim: 2 }, bad: { dim: -1 } },
  { op: 'scatterAdd', inputs: { x, index: columnIndex, src: column }, good: { dim: 2 }, bad: { dim: -1 } },
  { op: 'pickAlongDim', inputs: { x, index: picks }, good: { dim: 2, keepDim: false }, bad: { dim: -1, keepDim: false } },
  {
    op: 'pickAlongDimBackward',
    inputs: { dy: picked, index: picks },
    good: { dim: 2, keepDim: false, shape: [2, 3, 4] },
    bad: { dim: -1, keepDim: false, shape: [2, 3, 4] },
  },
];

describe('Op.apply refuses dims that are not normalised', () => {
  test.each(cases.map((c) => [c.op, JSON.stringify(c.bad), c] as const))('%s with %s', (name, _bad, c) => {
    const op = registeredOps().get(name);
    expect(op).toBeDefined();
    const apply = (args: Record<string, unknown>) => op!.apply(c.inputs as never, args as never);
    expect(() => apply(c.good)).not.toThrow();
    expect(() => apply(c.bad)).toThrow(ArgumentError);
    expect(() => apply(c.bad)).toThrow(new RegExp(`^${name}: `));
  });

  test('a scalar keeps its dim 0, as normalizeDim maps it', () => {
    const s = tensor(2.5);
    expect(registeredOps().get('softmax')!.apply({ x: s } as never, { dim: 0 } as never).toArray()).toBe(1);
    expect(() => registeredOps().get('softmax')!.apply({ x: s } as never, { dim: -1 } as never)).toThrow(ArgumentError);
  });
});
