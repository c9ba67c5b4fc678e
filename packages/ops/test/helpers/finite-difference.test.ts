import { Generator, mul, randn, sum, tensor, type Tensor } from '@tsgrad/core';
import { gelu, logSoftmax, maskedFill, prod, softmax, std, variance, where } from '../../src/index.js';
import { expectGradientsMatch, expectSecondOrderGradientsMatch, numericalGrad } from './finite-difference.js';

/** A float64 leaf that is a non-contiguous view (transposed storage). */
const stridedLeaf = (rows: number, cols: number, seed: number): Tensor =>
  randn([cols, rows], { dtype: 'float64', generator: new Generator(seed) }).transpose(0, 1).requiresGrad_();

describe('the finite-difference helper itself', () => {
  test('numericalGrad of known functions, null for inputs without grad', () => {
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const c = tensor([5], { dtype: 'float64' });
    const [gx, gc] = numericalGrad((a, b) => sum(mul(mul(a!, a!), b!)), [x, c]);
    Array.from(gx!).forEach((v, i) => expect(v).toBeCloseTo(10 * (i + 1), 6));
    expect(gc).toBeNull();
  });

  test('perturbs strided inputs element by element in row-major order', () => {
    const x = stridedLeaf(2, 3, 1);
    const w = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const [g] = numericalGrad((a) => sum(mul(a!, w)), [x]);
    Array.from(g!).forEach((v, i) => expect(v).toBeCloseTo(i + 1, 6));
  });

  test('reports a wrong gradient', () => {
    const x = tensor([0.5, 1], { dtype: 'float64', requiresGrad: true });
    // where(c, a, a) has gradient 1 everywhere; detach() hides half of it from autograd.
    const wrong = (a: Tensor) => where(tensor([true, false]), a, a.detach());
    expect(() => expectGradientsMatch(wrong, [x])).toThrow(/gradient mismatch for input 0/);
  });
});

describe('gradients through strided kernel paths (non-contiguous leaves)', () => {
  test('gelu, softmax over dim 0, logSoftmax over the last dim', () => {
    expectGradientsMatch((x) => gelu(x), [stridedLeaf(3, 4, 2)]);
    expectGradientsMatch((x) => gelu(x, { approximate: 'tanh' }), [stridedLeaf(3, 4, 3)]);
    expectGradientsMatch((x) => softmax(x, 0), [stridedLeaf(3, 4, 4)]);
    expectGradientsMatch((x) => logSoftmax(x, -1), [stridedLeaf(4, 3, 5)]);
  });

  test('variance, std and prod over a strided dim', () => {
    expectGradientsMatch((x) => variance(x, 1), [stridedLeaf(3, 5, 6)]);
    expectGradientsMatch((x) => std(x, 0, { correction: 0 }), [stridedLeaf(3, 5, 7)]);
    expectGradientsMatch((x) => prod(x, 1, true), [stridedLeaf(2, 4, 8)]);
  });

  test('second order: masked softmax and gelu', () => {
    const m = tensor([[false, true, false], [false, false, false]]);
    expectSecondOrderGradientsMatch((x) => softmax(maskedFill(x, m, -Infinity), 1), [stridedLeaf(2, 3, 9)]);
    expectSecondOrderGradientsMatch((x) => gelu(x), [stridedLeaf(2, 3, 10)]);
  });
});
