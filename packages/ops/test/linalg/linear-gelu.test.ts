import { Generator, ShapeError, Tensor, cast, grad, mul, noGrad, randn, sum, tensor, zeros } from '@tsgrad/core';
import { gelu, gemmBackend, linear, linearGelu, setParallelBackend } from '../../src/index.js';

// The fused float32 path against the two ops in float64 (the reference), over random shapes
// that are ragged for the GEMM's 5x8 register tile and the GELU's 4-lane vectors.

const g = new Generator(20261126);
const size = (lo: number, hi: number): number => g.integer(lo, hi + 1);

function expectClose(actual: Tensor, expected: Tensor, tol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.toTypedArray();
  const e = expected.toTypedArray();
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i]! - e[i]!) / (1 + Math.abs(e[i]!)));
  expect(worst).toBeLessThanOrEqual(tol);
}

interface Problem {
  x: Tensor;
  w: Tensor;
  b: Tensor | null;
  cot: Tensor;
}

function problem(lead: number[], inF: number, outF: number, withBias: boolean, scale = 1): Problem {
  return {
    x: randn([...lead, inF], { generator: g }).mul(scale).detach().requiresGrad_(),
    w: randn([outF, inF], { generator: g }).mul(1 / Math.sqrt(inF)).detach().requiresGrad_(),
    b: withBias ? randn([outF], { generator: g }).detach().requiresGrad_() : null,
    cot: randn([...lead, outF], { generator: g }),
  };
}

/** Output and gradients of sum(f(x, w, b)·cot), with inputs cast to `dtype`. */
function run(p: Problem, dtype: 'float32' | 'float64', f: (x: Tensor, w: Tensor, b: Tensor | null) => Tensor) {
  const leaves = [p.x, p.w, ...(p.b ? [p.b] : [])].map((t) => cast(t, dtype).detach().requiresGrad_());
  const [x, w, b] = leaves as [Tensor, Tensor, Tensor | undefined];
  const y = f(x, w, b ?? null);
  const grads = grad(sum(mul(y, cast(p.cot, dtype))), leaves);
  return { y, grads: grads as Tensor[] };
}

const fusedCall = (x: Tensor, w: Tensor, b: Tensor | null) => linearGelu(x, w, b);
const twoOps = (x: Tensor, w: Tensor, b: Tensor | null) => gelu(linear(x, w, b));

describe('linearGelu', () => {
  test('runs fused for float32 on WebAssembly, as the two ops for float64', () => {
    const p = problem([4, 6], 8, 16, true);
    expect(linearGelu(p.x, p.w, p.b).gradFn?.name).toBe(gemmBackend() === 'typescript' ? 'gelu' : 'linearGelu');
    expect(linearGelu(cast(p.x, 'float64'), cast(p.w, 'float64'), cast(p.b!, 'float64')).gradFn?.name).toBe('gelu');
  });

  test.each([true, false])('output and gradients match the two ops in float64 on random ragged shapes (bias: %s)', (withBias) => {
    for (let trial = 0; trial < 6; trial++) {
      const p = problem([size(1, 3), size(1, 23)], size(1, 37), size(1, 41), withBias);
      const fused = run(p, 'float32', fusedCall);
      const reference = run(p, 'float64', twoOps);
      expect(fused.y.dtype).toBe('float32');
      expectClose(fused.y, reference.y, 2e-6);
      fused.grads.forEach((d, i) => expectClose(d, reference.grads[i]!, 5e-6));
    }
  });

  test('pre-activations beyond |h| = 6, infinities and NaN take the exact formulas', () => {
    const p = problem([9, 7], 5, 13, true, 8);
    const fused = run(p, 'float32', fusedCall);
    const reference = run(p, 'float64', twoOps);
    expectClose(fused.y, reference.y, 2e-6);
    // Inputs 8x larger: float32 rounding of the larger products and sums.
    fused.grads.forEach((d, i) => expectClose(d, reference.grads[i]!, 2e-5));
    const w = tensor([[1], [-1], [0.5]]);
    const x = tensor([Infinity, -Infinity, NaN, 7, -7, 0.25].flatMap((v) => new Array<number>(30).fill(v))).reshape([180, 1]);
    const y = linearGelu(x, w).toTypedArray();
    const expected = twoOps(cast(x, 'float64'), cast(w, 'float64'), null).toTypedArray();
    for (let i = 0; i < expected.length; i++) {
      if (Number.isNaN(expected[i]!)) expect(y[i]).toBeNaN();
      else if (!Number.isFinite(expected[i]!)) expect(y[i]).toBe(expected[i]);
      else expect(Math.abs(y[i]! - expected[i]!)).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(expected[i]!)));
    }
  });

  test('without gradients it returns the same values and records nothing', () => {
    const p = problem([5, 11], 9, 20, true);
    const tracked = linearGelu(p.x, p.w, p.b);
    const plain = noGrad(() => linearGelu(p.x, p.w, p.b));
    expect(plain.gradFn).toBeNull();
    expect(Array.from(plain.toTypedArray())).toEqual(Array.from(tracked.toTypedArray()));
  });

  test('reads non-contiguous inputs and sends gradients to inputs that need them only', () => {
    const x = randn([6, 3, 10], { generator: g }).permute([1, 0, 2]);
    const w = randn([10, 12], { generator: g }).mT.detach().requiresGrad_();
    const b = randn([12], { generator: g });
    const y = linearGelu(x, w, b);
    expectClose(y, twoOps(cast(x, 'float64'), cast(w, 'float64'), cast(b, 'float64')), 2e-6);
    const [dw] = grad(sum(y), [w]);
    const w64 = cast(w, 'float64').detach().requiresGrad_();
    const [reference] = grad(sum(twoOps(cast(x, 'float64'), w64, cast(b, 'float64'))), [w64]);
    expect(dw!.shape).toEqual([12, 10]);
    expectClose(dw!, reference!, 5e-6);
  });

  test('second-order gradients through the fused op match the two ops', () => {
    const p = problem([4, 5], 6, 10, true);
    const secondOrder = (f: typeof fusedCall, dtype: 'float32' | 'float64') => {
      const x = cast(p.x, dtype).detach().requiresGrad_();
      const w = cast(p.w, dtype).detach().requiresGrad_();
      const [dx] = grad(sum(mul(f(x, w, cast(p.b!, dtype)), cast(p.cot, dtype))), [x], { createGraph: true });
      return grad(sum(mul(dx!, dx!)), [x, w]) as Tensor[];
    };
    const fused = secondOrder(fusedCall, 'float32');
    const reference = secondOrder(twoOps, 'float64');
    fused.forEach((d, i) => expectClose(d, reference[i]!, 2e-5));
  });

  test('with a worker pool installed it leaves the product to the pooled linear op', () => {
    const p = problem([4, 6], 8, 16, false);
    setParallelBackend({ threads: 2, gemm: () => false, attentionForward: () => null, attentionBackward: () => null });
    try {
      expect(linearGelu(p.x, p.w).gradFn?.name).toBe('gelu');
    } finally {
      setParallelBackend(null);
    }
  });

  test('bad arguments name linearGelu and the shapes', () => {
    expect(() => linearGelu(zeros([2, 3]), zeros([4, 5]))).toThrow(ShapeError);
    expect(() => linearGelu(zeros([2, 3]), zeros([4, 5]))).toThrow(/linearGelu: input features differ: x \[2,3\] has 3 features, weight \[4,5\] expects 5/);
    expect(() => linearGelu(zeros([2, 3]), zeros([4, 3]), zeros([3]))).toThrow(/linearGelu: bias must have shape \[4\]/);
    expect(() => linearGelu(zeros([2, 3], { dtype: 'int32' }), zeros([4, 3]))).toThrow(/linearGelu: a must be float32 or float64, got int32/);
  });
});
