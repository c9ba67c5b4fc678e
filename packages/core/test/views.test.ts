import { Generator, ShapeError, arange, randn, tensor, zeros } from '../src/index.js';

describe('views share storage', () => {
  test('reshape, transpose, permute, expand, slice, unsqueeze, squeeze are O(1) views that see writes', () => {
    const base = arange(24, { dtype: 'float32' });
    const views = [
      base.reshape([2, 3, 4]),
      base.reshape([2, 3, 4]).transpose(0, 2),
      base.reshape([2, 3, 4]).permute([1, 2, 0]),
      base.reshape([1, 24]).expand([3, 24]),
      base.slice(0, 2, 20, 3),
      base.reshape([4, 6]).narrow(1, 1, 3),
      base.unsqueeze(0),
      base.reshape([1, 24, 1]).squeeze(),
    ];
    for (const v of views) expect(v.storage).toBe(base.storage);
    base.storage.data[5] = 100;
    expect(views[0]!.toArray()).toEqual(expect.arrayContaining([expect.arrayContaining([[4, 100, 6, 7]])]));
    expect((views[1]!.toArray() as number[][][])[1]![1]![0]).toBe(100); // [0,1,1] transposed to [1,1,0]
    expect((views[3]!.toArray() as number[][])[2]![5]).toBe(100);
    expect(views[4]!.toArray()).toEqual([2, 100, 8, 11, 14, 17]);
    expect(views[5]!.toArray()).toEqual([[1, 2, 3], [7, 8, 9], [13, 14, 15], [19, 20, 21]].map((r) => r.map((v) => (v === 5 ? 100 : v))));
  });

  test('contiguous copies only when needed', () => {
    const x = randn([3, 4], { generator: new Generator(1) });
    expect(x.contiguous()).toBe(x);
    const t = x.transpose(0, 1);
    expect(t.isContiguous()).toBe(false);
    const c = t.contiguous();
    expect(c.storage).not.toBe(x.storage);
    expect(c.toArray()).toEqual(t.toArray());
    expect(c.strides).toEqual([3, 1]);
  });

  test('reshape of a non-contiguous view copies; view refuses', () => {
    const t = arange(6, { dtype: 'float32' }).reshape([2, 3]).transpose(0, 1);
    expect(t.reshape([6]).toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(() => t.view([6])).toThrow(ShapeError);
  });

  test('slice follows Python bounds with negative indices and steps', () => {
    const x = arange(10);
    expect(x.slice(0, -3).toArray()).toEqual([7, 8, 9]);
    expect(x.slice(0, 1, -1, 3).toArray()).toEqual([1, 4, 7]);
    expect(x.slice(0, 20, 30).shape).toEqual([0]);
    expect(x.slice(0, -100, 2).toArray()).toEqual([0, 1]);
    expect(() => x.slice(0, 0, 5, 0)).toThrow('slice: step must be a positive integer, got 0');
    expect(() => x.narrow(0, 8, 5)).toThrow(/narrow: start 8 and length 5 are out of range/);
  });

  test('expand rules', () => {
    const x = tensor([[1], [2]]);
    expect(x.expand([3, 2, 4]).shape).toEqual([3, 2, 4]);
    expect(x.expand([-1, 3]).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(x.expand([2, 3]).strides).toEqual([1, 0]);
    expect(() => x.expand([3, 3])).toThrow('expand: cannot expand shape [2,1] to [3,3] (dim 0)');
  });

  test('unsqueeze and squeeze of a non-contiguous view stay views', () => {
    const t = randn([2, 3], { generator: new Generator(2) }).transpose(0, 1);
    const u = t.unsqueeze(1);
    expect(u.shape).toEqual([3, 1, 2]);
    expect(u.storage).toBe(t.storage);
    expect(u.squeeze(1).toArray()).toEqual(t.toArray());
    expect(zeros([1, 2, 1]).squeeze(0).shape).toEqual([2, 1]);
  });
});
