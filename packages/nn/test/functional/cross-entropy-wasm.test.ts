import { Generator, Tensor, randn, tensor } from '@tsgrad/core';
import { SOFTMAX_WASM_MIN } from '@tsgrad/ops';
import { crossEntropy } from '../../src/functional/index.js';

// Float32 (N, C) logits above SOFTMAX_WASM_MIN take the WebAssembly softmax and gradient
// kernels; the same logits in float64 take the JavaScript loops, the reference here.
describe('crossEntropy float32 SIMD path agrees with the float64 JavaScript path', () => {
  const g = new Generator(21);
  // Within a few float32 roundings of each value, and of the largest for values near zero.
  const close = (got: ArrayLike<number>, want: ArrayLike<number>) => {
    expect(got.length).toBe(want.length);
    const big = Math.max(...Array.from(want, Math.abs));
    for (let i = 0; i < want.length; i++) {
      const ok = Math.abs(got[i]! - want[i]!) <= 3e-6 * Math.abs(want[i]!) + 1e-7 * big;
      if (!ok) throw new Error(`[${i}]: got ${got[i]}, want ${want[i]}`);
    }
  };
  const run = (logits: Tensor, target: Tensor, opts: Parameters<typeof crossEntropy>[2]) => {
    const x = logits.detach().requiresGrad_();
    const loss = crossEntropy(x, target, opts);
    // Per-position weights for 'none', a non-unit scalar otherwise: both scale paths run.
    const weights = tensor(Array.from({ length: loss.size }, (_, i) => 1 + i / 7), { dtype: loss.dtype }).reshape(loss.shape);
    (opts?.reduction === 'none' ? loss.mul(weights).sum() : loss.mul(1.5)).backward();
    return { loss: Array.from(loss.toTypedArray()), grad: Array.from(x.grad!.toTypedArray()) };
  };
  const cases: [n: number, c: number, scale: number][] = [[50, 65, 1], [300, 3, 1], [7, 257, 20], [40, 5, 1e3], [200, 65, 2]];
  for (const [n, c, scale] of cases) {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const labelSmoothing of [0, 0.1]) {
        test(`(${n}, ${c}) scale ${scale}, ${reduction}, smoothing ${labelSmoothing}`, () => {
          expect(n * c).toBeGreaterThanOrEqual(SOFTMAX_WASM_MIN);
          const x32 = randn([n, c], { generator: g }).mul(scale);
          const x64 = x32.to('float64');
          const target = tensor(Array.from({ length: n }, (_, i) => (i % 5 === 2 ? -100 : (i * 13) % c)), { dtype: 'int32' });
          const a = run(x32, target, { reduction, labelSmoothing });
          const b = run(x64, target, { reduction, labelSmoothing });
          close(a.loss, b.loss);
          close(a.grad, b.grad);
        });
      }
    }
  }

  test('-Infinity logits, a NaN row that is ignored and one that is not', () => {
    const c = 40;
    const rows = Array.from({ length: 6 }, (_, r) => Array.from({ length: c }, (_, j) => Math.sin(r * c + j) * 3));
    rows[0]![5] = -Infinity; // masked class: finite loss without smoothing
    rows[1]![3] = NaN; // ignored: no loss, zero gradient
    rows[2]![7] = NaN; // counted: NaN loss
    rows[3]![1] = -Infinity; // the target itself: +Infinity loss
    const target = tensor([0, -100, 4, 1, 9, 2], { dtype: 'int32' });
    for (const dtype of ['float32', 'float64'] as const) {
      const x = tensor(rows, { dtype, requiresGrad: true });
      const loss = crossEntropy(x, target, { reduction: 'none' });
      const l = Array.from(loss.toTypedArray());
      expect(Number.isFinite(l[0])).toBe(true);
      expect(l[1]).toBe(0);
      expect(l[2]).toBeNaN();
      expect(l[3]).toBe(Infinity);
      loss.mul(tensor([1, 1, 0, 0, 1, 1], { dtype })).sum().backward();
      const grad = Array.from(x.grad!.toTypedArray());
      expect(grad[5]).toBe(0);
      expect(grad.slice(c, 2 * c).every((v) => v === 0)).toBe(true);
      expect(grad.slice(0, c).every(Number.isFinite)).toBe(true);
      // with smoothing, a -Infinity logit makes the uniform part infinite, as in PyTorch
      expect(crossEntropy(x.detach(), target, { reduction: 'none', labelSmoothing: 0.1 }).toTypedArray()[0]).toBe(Infinity);
    }
  });
});
