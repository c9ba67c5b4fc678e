import { AutogradError, DTypeError, ShapeError, arange, noGrad, tensor, zeros } from '../src/index.js';

describe('in-place ops', () => {
  test('write through views, broadcast the source, bump versions', () => {
    const x = zeros([2, 3]);
    const v0 = x.version;
    x.slice(1, 1).add_(tensor([1, 2]));
    expect(x.toArray()).toEqual([[0, 1, 2], [0, 1, 2]]);
    expect(x.version).toBe(v0 + 1);
    x.mul_(2).sub_(1, { alpha: 2 }).div_(tensor([[2], [1]]));
    expect(x.toArray()).toEqual([[-1, 0, 1], [-2, 0, 2]]);
    x.fill_(3);
    expect(x.toArray()).toEqual([[3, 3, 3], [3, 3, 3]]);
    x.zero_();
    expect(x.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    x.copy_(tensor([7, 8, 9], { dtype: 'float64' }));
    expect(x.toArray()).toEqual([[7, 8, 9], [7, 8, 9]]);
  });

  test('a source overlapping the target is read before it is overwritten', () => {
    const x = arange(4, { dtype: 'float32' }).reshape([2, 2]);
    x.add_(x.transpose(0, 1));
    expect(x.toArray()).toEqual([[0, 3], [3, 6]]);
  });

  test('refused before anything changes: leaves requiring grad, graph tensors, bad dtypes, bad shapes', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(AutogradError);
    expect(() => w.add_(1)).toThrow(/cannot be modified in place; wrap the update in noGrad\(\)/);
    expect(w.toArray()).toEqual([1, 2]);
    noGrad(() => w.sub_(tensor([1, 1])));
    expect(w.toArray()).toEqual([0, 1]);
    expect(() => w.mul(2).add_(1)).toThrow(/part of the autograd graph/);
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(() => i.add_(0.5)).toThrow(DTypeError);
    expect(() => i.div_(2)).toThrow(DTypeError);
    expect(() => zeros([2]).add_(zeros([3]))).toThrow(ShapeError);
    expect(() => zeros([2]).add_(zeros([2, 2]))).toThrow('add_: source of shape [2,2] does not broadcast to the target\'s shape [2]');
    expect(i.toArray()).toEqual([1, 2]);
  });
});
