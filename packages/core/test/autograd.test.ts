import {
  AutogradError,
  Generator,
  grad,
  isGradEnabled,
  noGrad,
  enableGrad,
  ones,
  randn,
  tensor,
  type Tensor,
} from '../src/index.js';

const g = () => new Generator(7);
const values = (t: Tensor | null) => Array.from(t!.toTypedArray());

describe('backward', () => {
  test('reuse accumulates: d(x*x)/dx = 2x', () => {
    const x = tensor([1, -2, 3], { dtype: 'float64', requiresGrad: true });
    x.mul(x).sum().backward();
    expect(values(x.grad)).toEqual([2, -4, 6]);
  });

  test('gradients accumulate over calls and flow through views', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64', requiresGrad: true });
    const y = x.transpose(0, 1).slice(0, 1, 3).reshape([4]).mul(tensor([1, 2, 3, 4], { dtype: 'float64' }));
    y.sum().backward();
    // transpose -> [[1,4],[2,5],[3,6]]; rows 1..2 -> [2,5,3,6] weighted 1,2,3,4
    expect(x.grad!.toArray()).toEqual([[0, 1, 3], [0, 2, 4]]);
    x.unsqueeze(0).expand([3, 2, 3]).sum().backward();
    expect(x.grad!.toArray()).toEqual([[3, 4, 6], [3, 5, 7]]);
  });

  test('broadcast inputs get gradients summed back to their own shape', () => {
    const a = randn([4, 1, 3], { dtype: 'float64', generator: g(), requiresGrad: true });
    const b = randn([5, 1], { dtype: 'float64', generator: g(), requiresGrad: true });
    a.mul(b).sum().backward();
    expect(a.grad!.shape).toEqual([4, 1, 3]);
    expect(b.grad!.shape).toEqual([5, 1]);
    const bSum = values(b).reduce((s, v) => s + v, 0);
    values(a.grad).forEach((v) => expect(v).toBeCloseTo(bSum, 12));
    const aSum = values(a).reduce((s, v) => s + v, 0);
    values(b.grad).forEach((v) => expect(v).toBeCloseTo(aSum, 12));
  });

  test('mixed dtypes: the gradient comes back in the input dtype', () => {
    const a = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const b = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    const y = a.mul(b);
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(values(a.grad)).toEqual([3, 4]);
    expect(b.grad!.dtype).toBe('float64');
  });

  test('third derivative of x**3 via createGraph is 6', () => {
    const x = tensor(1.5, { dtype: 'float64', requiresGrad: true });
    const y = x.mul(x).mul(x);
    const [d1] = grad(y, x, { createGraph: true });
    expect(d1!.item()).toBeCloseTo(3 * 1.5 ** 2, 12);
    const [d2] = grad(d1!, x, { createGraph: true });
    expect(d2!.item()).toBeCloseTo(6 * 1.5, 12);
    const [d3] = grad(d2!, x);
    expect(d3!.item()).toBeCloseTo(6, 12);
  });

  test('backward with createGraph leaves a differentiable .grad', () => {
    const x = tensor([2], { dtype: 'float64', requiresGrad: true });
    x.mul(x).mul(x).sum().backward(undefined, { createGraph: true });
    expect(x.grad!.requiresGrad).toBe(true);
    const gx = x.grad!;
    x.grad = null;
    gx.sum().backward();
    expect(values(x.grad)).toEqual([12]); // d(3x²)/dx = 6x
  });

  test('modifying a saved tensor in place makes backward fail clearly', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const h = x.mul(2);
    const y = h.mul(h);
    noGrad(() => h.add_(1));
    expect(() => y.sum().backward()).toThrow(AutogradError);
    expect(() => y.sum().backward()).toThrow(/was saved for backward and then modified by an in-place operation/);
  });

  test('an in-place change to a tensor not saved for backward is fine', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const h = x.mul(2);
    const y = h.add(1);
    noGrad(() => h.add_(5));
    y.sum().backward();
    expect(values(x.grad)).toEqual([2, 2, 2]);
  });

  test('a second backward through a freed graph fails; retainGraph allows it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/backward through the graph a second time/);
    const z = x.mul(x).sum();
    z.backward(undefined, { retainGraph: true });
    z.backward();
    expect(values(x.grad)).toEqual([2 + 4, 4 + 8]);
  });

  test('non-scalar backward needs a gradient; the given gradient is used', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(3);
    expect(() => y.backward()).toThrow('backward: a gradient can be implicitly created only for one-element outputs; got shape [2]. Pass the gradient explicitly.');
    y.backward(tensor([1, 10]));
    expect(values(x.grad)).toEqual([3, 30]);
    expect(() => tensor([1]).backward()).toThrow(/does not require grad/);
  });

  test('noGrad records nothing; enableGrad re-enables inside', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const inner = enableGrad(() => x.mul(2));
      expect(inner.requiresGrad).toBe(true);
      return x.mul(2);
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
  });

  test('hooks see and may replace gradients; remove() unregisters', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seen: number[][] = [];
    const handle = x.registerHook((gr) => {
      seen.push(values(gr));
      return gr.mul(10);
    });
    const h = x.mul(3);
    h.registerHook((gr) => gr.add(1));
    h.sum().backward();
    expect(seen).toEqual([[6, 6]]);
    expect(values(x.grad)).toEqual([60, 60]);
    handle.remove();
    x.grad = null;
    x.mul(1).sum().backward();
    expect(values(x.grad)).toEqual([1, 1]);
  });

  test('retainGrad keeps non-leaf gradients', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    h.retainGrad();
    h.mul(h).sum().backward();
    expect(values(h.grad)).toEqual([4, 8]);
  });

  test('a deep chain does not overflow the stack', () => {
    const x = tensor([1], { dtype: 'float64', requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.mul(1.0001);
    y.sum().backward();
    expect(x.grad!.item()).toBeCloseTo(1.0001 ** 20000, 6);
  });

  test('requiresGrad is settable on leaves only and only for floats', () => {
    const x = tensor([1, 2]);
    x.requiresGrad = true;
    expect(() => {
      x.mul(2).requiresGrad = false;
    }).toThrow(/can only be set on leaf tensors/);
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(/only float32\/float64 tensors can require grad/);
    expect(x.mul(2).detach().requiresGrad).toBe(false);
  });
});

describe('grad()', () => {
  test('returns gradients without touching .grad, and prunes unrelated branches', () => {
    const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const b = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    const y = a.mul(b).sum().add(b.mul(b).sum());
    const [ga] = grad(y, [a]);
    expect(values(ga!)).toEqual([3, 4]);
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  test('unused inputs throw unless allowUnused', () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    const y = a.mul(2).sum();
    expect(() => grad(y, [a, b], { retainGraph: true })).toThrow(/input 1 \(shape \[1\]\) was not used/);
    expect(grad(y, [a, b], { allowUnused: true })[1]).toBeNull();
  });

  test('gradOutputs weight several outputs; non-leaf inputs work', () => {
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const h = x.mul(2);
    const y1 = h.mul(h);
    const y2 = h.sum();
    const [gh, gx] = grad([y1, y2], [h, x], { gradOutputs: [ones([3], { dtype: 'float64' }), tensor(2, { dtype: 'float64' })] });
    expect(values(gh!)).toEqual([4 + 2, 8 + 2, 12 + 2]);
    expect(values(gx!)).toEqual([12, 20, 28]);
  });
});
