import { arange, tensor, zeros } from '../src/index.js';

describe('toString prints like PyTorch', () => {
  test('small float tensors show 4 decimals, shape and dtype', () => {
    expect(tensor([[1.5, -2.25], [3, 4]]).toString()).toBe(
      'tensor([[ 1.5000, -2.2500],\n        [ 3.0000,  4.0000]], shape=[2, 2], dtype=float32)',
    );
  });

  test('integer-valued floats, ints, bools, scalars', () => {
    expect(tensor([1, 2]).toString()).toBe('tensor([1., 2.], shape=[2], dtype=float32)');
    expect(tensor([1, 20], { dtype: 'int32' }).toString()).toBe('tensor([ 1, 20], shape=[2], dtype=int32)');
    expect(tensor([true, false]).toString()).toBe('tensor([ true, false], shape=[2], dtype=bool)');
    expect(tensor(2.5, { dtype: 'float64' }).toString()).toBe('tensor(2.5000, shape=[], dtype=float64)');
    expect(zeros([0, 3]).toString()).toBe('tensor([], shape=[0, 3], dtype=float32)');
  });

  test('large tensors are abbreviated, grad info shown', () => {
    const s = arange(2000, { dtype: 'float32' }).reshape([2, 1000]).toString();
    expect(s).toContain('...');
    expect(s).toContain('1997., 1998., 1999.');
    expect(s.length).toBeLessThan(200);
    const x = tensor([1e-6, 1], { requiresGrad: true });
    expect(x.toString()).toBe('tensor([1.0000e-06, 1.0000e+00], shape=[2], dtype=float32, requiresGrad=true)');
    expect(x.mul(2).toString()).toContain('gradFn=<mulBackward>');
  });
});
