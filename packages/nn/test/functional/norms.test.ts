import { Generator, Tensor, add, div, mul, randn, sub, sum, tensor } from '@tsgrad/core';
import { layerNorm, rmsNorm } from '../../src/functional/index.js';
import { gradcheck, gradgradcheck } from '../../src/gradcheck/index.js';

const g = new Generator(7);

/** Plain-loop reference over rows of the last `d` elements. */
function reference(kind: 'layer' | 'rms', x: Tensor, w: Tensor, b: Tensor | null, eps: number): number[] {
  const xs = x.toTypedArray();
  const ws = w.toTypedArray();
  const bs = b?.toTypedArray();
  const d = ws.length;
  const out: number[] = [];
  for (let r = 0; r < xs.length / d; r++) {
    const row = Array.from(xs.subarray(r * d, (r + 1) * d));
    const mu = kind === 'layer' ? row.reduce((a, v) => a + v, 0) / d : 0;
    const ms = row.reduce((a, v) => a + (v - mu) ** 2, 0) / d;
    const rs = 1 / Math.sqrt(ms + eps);
    row.forEach((v, j) => out.push((v - mu) * rs * ws[j]! + (bs ? bs[j]! : 0)));
  }
  return out;
}

function expectAllClose(actual: Tensor, expected: number[], tol: number): void {
  const a = actual.toTypedArray();
  expect(a.length).toBe(expected.length);
  a.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(tol));
}

describe.each([
  ['float32', 1e-5],
  ['float64', 1e-12],
] as const)('%s norms against a plain-loop reference', (dtype, tol) => {
  test.each([[[1, 1]], [[3, 5]], [[2, 3, 7]], [[4, 1, 33]]])('shape %j', (shape) => {
    const d = shape[shape.length - 1]!;
    const x = randn(shape, { dtype, generator: g }).mul(3).add(1);
    const w = randn([d], { dtype, generator: g });
    const b = randn([d], { dtype, generator: g });
    expectAllClose(layerNorm(x, d, { weight: w, bias: b, eps: 1e-5 }), reference('layer', x, w, b, 1e-5), tol);
    expectAllClose(rmsNorm(x, d, { weight: w, eps: 0.1 }), reference('rms', x, w, null, 0.1), tol);
  });

  test('non-contiguous input (a transposed view)', () => {
    const x = randn([5, 4], { dtype, generator: g }).transpose(0, 1); // (4, 5), strided
    const w = randn([5], { dtype, generator: g });
    expectAllClose(layerNorm(x, 5, { weight: w }), reference('layer', x.contiguous(), w, null, 1e-5), tol);
    expectAllClose(rmsNorm(x, 5, { weight: w }), reference('rms', x.contiguous(), w, null, 1e-5), tol);
  });
});

test('layerNorm without affine normalises to mean 0, variance 1; normalizedShape may span several dims', () => {
  const x = randn([2, 3, 4], { dtype: 'float64', generator: g });
  const y = layerNorm(x, [3, 4], { eps: 0 });
  const rows = y.reshape([2, 12]);
  const mean = div(sum(rows, 1), 12);
  const variance = div(sum(mul(rows, rows), 1), 12);
  expectAllClose(mean, [0, 0], 1e-12);
  expectAllClose(variance, [1, 1], 1e-12);
});

test('gradients match finite differences (weight, bias, input; two trailing dims)', () => {
  const x = randn([2, 3, 4], { dtype: 'float64', generator: g, requiresGrad: true });
  const w = randn([3, 4], { dtype: 'float64', generator: g, requiresGrad: true });
  const b = randn([3, 4], { dtype: 'float64', generator: g, requiresGrad: true });
  expect(gradcheck((xx, ww, bb) => layerNorm(xx!, [3, 4], { weight: ww!, bias: bb! }), [x, w, b]).passed).toBe(true);
  expect(gradcheck((xx, ww) => rmsNorm(xx!, [3, 4], { weight: ww! }), [x, w]).passed).toBe(true);
});

test('second derivatives (createGraph backward is differentiable)', () => {
  const x = randn([3, 5], { dtype: 'float64', generator: g, requiresGrad: true });
  const w = randn([5], { dtype: 'float64', generator: g, requiresGrad: true });
  const b = randn([5], { dtype: 'float64', generator: g, requiresGrad: true });
  expect(gradgradcheck((xx, ww, bb) => layerNorm(xx!, 5, { weight: ww!, bias: bb!, eps: 0.1 }), [x, w, b]).passed).toBe(true);
  expect(gradgradcheck((xx, ww) => rmsNorm(xx!, 5, { weight: ww!, eps: 0.1 }), [x, w]).passed).toBe(true);
});

test('the fused backward equals the composite one used under createGraph', () => {
  const x = randn([4, 6], { dtype: 'float64', generator: g, requiresGrad: true });
  const w = randn([6], { dtype: 'float64', generator: g, requiresGrad: true });
  const dy = randn([4, 6], { dtype: 'float64', generator: g });
  const composite = (xx: Tensor) => {
    const mu = div(sum(xx, -1, true), 6);
    const c = sub(xx, mu);
    const v = add(div(sum(mul(c, c), -1, true), 6), 1e-5);
    return mul(div(c, v.pow(0.5)), w);
  };
  layerNorm(x, 6, { weight: w }).backward(dy);
  const fused = x.grad!.toTypedArray();
  x.grad = null;
  composite(x).backward(dy);
  expectAllClose(tensor(fused, { dtype: 'float64' }), Array.from(x.grad!.toTypedArray()), 1e-12);
});

test('errors name the op, the argument and the shapes', () => {
  const x = randn([2, 4]);
  expect(() => layerNorm(x, 3)).toThrow('layerNorm: normalizedShape [3] does not match the last dims of input [2,4]');
  expect(() => layerNorm(x, 4, { weight: randn([3]) })).toThrow('layerNorm: weight of shape [3] must have the normalized shape [4]');
  expect(() => rmsNorm(tensor([[1, 2]], { dtype: 'int32' }), 2)).toThrow('rmsNorm: input must be float32 or float64, got int32');
  expect(() => rmsNorm(x, 4, { eps: -1 })).toThrow('rmsNorm: eps must be a finite number >= 0, got -1');
});
