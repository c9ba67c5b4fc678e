import { AutogradError, DTypeError, ShapeError, noGrad, tensor, type Tensor } from '@tsgrad/core';
import { addcdiv_, addcmul_, clamp_, exp, lerp_, sqrt_ } from '../../src/index.js';

const values = (t: Tensor) => Array.from(t.toTypedArray());

describe('clamp_', () => {
  test('clamps in place (strided views too) and returns the target', () => {
    const t = tensor([[-2, 0.5], [3, -0.1]], { dtype: 'float64' });
    const view = t.transpose(0, 1);
    expect(clamp_(view, { min: -1, max: 1 })).toBe(view);
    expect(t.toArray()).toEqual([[-1, 0.5], [1, -0.1]]);
    expect(values(t.clamp_({ min: 0 }))).toEqual([0, 0.5, 1, 0]);
  });

  test('bumps the version: a saved tensor modified afterwards fails backward clearly', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = exp(x);
    const z = y.mul(y);
    noGrad(() => clamp_(y, { max: 1 }));
    expect(() => z.sum().backward()).toThrow(/modified by an in-place operation/);
    expect(() => clamp_(exp(x), { max: 1 })).toThrow(AutogradError);
  });

  test('refusals: leaves requiring grad, bool, fractional bounds on int32', () => {
    const leaf = tensor([1, 2], { requiresGrad: true });
    expect(() => clamp_(leaf, { min: 0 })).toThrow(AutogradError);
    expect(() => clamp_(tensor([true]), { min: 0 })).toThrow(DTypeError);
    expect(() => clamp_(tensor([1, 2], { dtype: 'int32' }), { max: 1.5 })).toThrow(
      "clamp_: fractional bounds (min -Infinity, max 1.5) can't be stored in the int32 target in place",
    );
    const i = tensor([-3, 5], { dtype: 'int32' });
    clamp_(i, { min: 0, max: 4 });
    expect(values(i)).toEqual([0, 4]);
  });
});

describe('optimizer updates', () => {
  test('addcmul_ and addcdiv_: contiguous fast path and broadcast path give the same result', () => {
    const a = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    const b = tensor([[2, 2], [0.5, 4]], { dtype: 'float64' });
    const t = tensor([[1, 1], [1, 1]], { dtype: 'float64' });
    addcmul_(t, a, b, { value: 0.5 });
    expect(values(t)).toEqual([2, 3, 1.75, 9]);
    addcdiv_(t, a, b, { value: -2 });
    expect(values(t)).toEqual([1, 1, -10.25, 7]);
    const u = tensor([[1, 1], [1, 1]], { dtype: 'float64' });
    u.addcmul_(a, tensor([2], { dtype: 'float64' }));
    expect(values(u)).toEqual([3, 5, 7, 9]);
    u.addcdiv_(tensor([1], { dtype: 'float64' }), b.transpose(0, 1));
    expect(values(u)).toEqual([3.5, 7, 7.5, 9.25]);
  });

  test('aliasing: t.addcmul_(t, t) reads each element before writing it', () => {
    const t = tensor([1, 2, 3], { dtype: 'float64' });
    addcmul_(t, t, t);
    expect(values(t)).toEqual([2, 6, 12]);
    const s = tensor([1, 2, 3, 4], { dtype: 'float64' });
    const head = s.slice(0, 0, 3);
    const tail = s.slice(0, 1, 4);
    addcmul_(tail, head, head);
    expect(values(s)).toEqual([1, 3, 7, 13]);
  });

  test('lerp_ and sqrt_', () => {
    const m = tensor([0, 10], { dtype: 'float32' });
    lerp_(m, tensor([10, 0], { dtype: 'float32' }), 0.1);
    expect(values(m)).toEqual([1, 9]);
    m.lerp_(tensor([5], { dtype: 'float64' }), 0.5);
    expect(values(m)).toEqual([3, 7]);
    const v = tensor([[4, 9], [16, 25]], { dtype: 'float64' }).transpose(0, 1);
    expect(sqrt_(v)).toBe(v);
    expect(v.toArray()).toEqual([[2, 4], [3, 5]]);
    expect(values(tensor([-1]).sqrt_())[0]).toBeNaN();
  });

  test('each update bumps the version counter once', () => {
    const t = tensor([1, 2], { dtype: 'float64' });
    const before = t.version;
    addcmul_(t, t, t);
    lerp_(t, t, 0.5);
    sqrt_(t);
    addcdiv_(t, t, tensor([1, 1], { dtype: 'float64' }).add(1));
    expect(t.version).toBe(before + 4);
  });

  test('refusals name the op and the shapes', () => {
    const t = tensor([1, 2], { dtype: 'float64' });
    expect(() => addcmul_(t, tensor([1, 2, 3]), t)).toThrow("addcmul_: a of shape [3] does not broadcast to the target's shape [2]");
    expect(() => addcdiv_(t, t, tensor([[1, 2], [3, 4]]))).toThrow(ShapeError);
    expect(() => lerp_(tensor([1], { dtype: 'int32' }), tensor([1], { dtype: 'int32' }), 0.5)).toThrow(
      'lerp_: target must be float32 or float64, got int32',
    );
    expect(() => sqrt_(tensor([1, 2], { requiresGrad: true }))).toThrow(AutogradError);
  });
});
