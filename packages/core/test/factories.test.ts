import { Generator, ShapeError, arange, eye, full, manualSeed, ones, rand, randint, randn, tensor, zeros, zerosLike } from '../src/index.js';

describe('factories', () => {
  test('tensor from nested arrays, scalars, booleans and typed arrays', () => {
    const t = tensor([[1, 2], [3, 4]]);
    expect(t.shape).toEqual([2, 2]);
    expect(t.dtype).toBe('float32');
    expect(tensor(3.5).shape).toEqual([]);
    expect(tensor(3.5).item()).toBe(3.5);
    expect(tensor([true, false]).dtype).toBe('bool');
    const typed = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
    expect(typed.dtype).toBe('float64');
    expect(typed.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor([1.7, -1.7], { dtype: 'int32' }).toArray()).toEqual([1, -1]);
    expect(tensor([[]]).shape).toEqual([1, 0]);
  });

  test('tensor copies its input', () => {
    const data = new Float32Array([1, 2]);
    const t = tensor(data);
    data[0] = 9;
    expect(t.toArray()).toEqual([1, 2]);
  });

  test('ragged arrays and mismatched shapes are refused', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor(new Float32Array(5), { shape: [2, 3] })).toThrow('tensor: 5 values do not fill shape [2,3]');
    expect(() => zeros([2, -1])).toThrow(/non-negative integers/);
  });

  test('zeros, ones, full, eye, arange', () => {
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([2], { dtype: 'int32' }).toArray()).toEqual([1, 1]);
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(full([1], true).dtype).toBe('bool');
    expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(4).dtype).toBe('int32');
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(1, 2, 0.25).dtype).toBe('float32');
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(zerosLike(ones([2, 2], { dtype: 'float64' })).dtype).toBe('float64');
  });
});

describe('random', () => {
  test('seeded randn gives the same numbers twice and different numbers for another seed', () => {
    const a = randn([100], { generator: new Generator(42) }).toArray();
    const b = randn([100], { generator: new Generator(42) }).toArray();
    const c = randn([100], { generator: new Generator(43) }).toArray();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    manualSeed(5);
    const d = randn([10]).toArray();
    manualSeed(5);
    expect(randn([10]).toArray()).toEqual(d);
  });

  test('randn has the moments of a standard normal; rand is in [0,1); randint in range', () => {
    const x = randn([20000], { dtype: 'float64', generator: new Generator(1) }).toTypedArray() as Float64Array;
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const u = rand([1000], { generator: new Generator(2) }).toTypedArray();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const r = randint(3, 6, [1000], { generator: new Generator(3) }).toTypedArray();
    expect(new Set(r)).toEqual(new Set([3, 4, 5]));
  });

  test('generator state round-trips exactly', () => {
    const gen = new Generator(9);
    gen.normal();
    const state = gen.getState();
    const next = [gen.normal(), gen.random(), gen.normal()];
    const restored = new Generator(0).setState(state);
    expect([restored.normal(), restored.random(), restored.normal()]).toEqual(next);
  });
});
