import {
  DTypeError,
  Tensor,
  add,
  defineOp,
  div,
  expand,
  mul,
  onesLike,
  randn,
  sum,
  tensor,
  Generator,
} from '@tsgrad/core';
import { GradcheckError, formatGradcheckReport, gradcheck, gradgradcheck } from '../../src/gradcheck/index.js';

// x³ computed by a raw forward; the backward under test is chosen per op.
function cubeForward(x: Tensor): Tensor {
  const data = Float64Array.from(x.toTypedArray(), (v) => v * v * v);
  return Tensor.fromData(x.dtype === 'float32' ? Float32Array.from(data) : data, x.shape);
}

const RightCube = defineOp({
  name: 'gradcheckTest.rightCube',
  inputs: ['x'],
  forward: ({ x }) => cubeForward(x),
  backward: ({ dy, inputs: { x } }) => ({ x: mul(dy, mul(mul(x, x), 3)) }), // d(x³) = 3x² dx
});
const WrongCube = defineOp({
  name: 'gradcheckTest.wrongCube',
  inputs: ['x'],
  forward: ({ x }) => cubeForward(x),
  backward: ({ dy, inputs: { x } }) => ({ x: mul(dy, mul(x, 2)) }), // deliberately wrong: 2x
});
// Right first derivative, but x is detached inside it, so second derivatives are wrong.
const DetachedCube = defineOp({
  name: 'gradcheckTest.detachedCube',
  inputs: ['x'],
  forward: ({ x }) => cubeForward(x),
  backward: ({ dy, inputs: { x } }) => ({ x: mul(dy, mul(mul(x.detach(), x.detach()), 3)) }),
});
let calls = 0;
// Nearly right, but each backward scales the gradient by a slightly different factor.
const NoisyCube = defineOp({
  name: 'gradcheckTest.noisyCube',
  inputs: ['x'],
  forward: ({ x }) => cubeForward(x),
  backward: ({ dy, inputs: { x } }) => ({ x: mul(dy, mul(mul(x, x), 3 + ++calls * 1e-12)) }),
});
// Right Jacobian, but a zero output gradient yields ones.
const LeakyCube = defineOp({
  name: 'gradcheckTest.leakyCube',
  inputs: ['x'],
  forward: ({ x }) => cubeForward(x),
  backward: ({ dy, inputs: { x } }) => ({
    x: dy.toTypedArray().every((v) => v === 0) ? onesLike(x) : mul(dy, mul(mul(x, x), 3)),
  }),
});

const f64 = (shape: number[], seed: number) => randn(shape, { dtype: 'float64', generator: new Generator(seed), requiresGrad: true });

describe('gradcheck', () => {
  test('passes for correct gradients, with a report per input', () => {
    const x = f64([2, 3], 1);
    const y = f64([3], 2);
    const report = gradcheck((a, b) => sum(div(mul(a, b), add(mul(b, b), 1)), -1), [x, y]);
    expect(report.passed).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.inputs.map((r) => [r.index, r.shape, r.passed])).toEqual([
      [0, [2, 3], true],
      [1, [3], true],
    ]);
    for (const r of report.inputs) {
      expect(r.maxAbsError).toBeLessThan(1e-8);
      expect(r.maxRelError).toBeLessThan(1e-6);
      expect(r.worst).not.toBeNull();
    }
  });

  test('a custom op with a right backward passes; a wrong one is caught with details', () => {
    const x = tensor([0.5, 1.5, 2], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((t) => RightCube.apply({ x: t }, {}), [x]).passed).toBe(true);
    let error: unknown;
    try {
      gradcheck((t) => WrongCube.apply({ x: t }, {}), [x]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GradcheckError);
    const g = error as GradcheckError;
    // Worst relative to its tolerance is x = 2: numerical 3·4 = 12, analytical 2·2 = 4.
    expect(g.failure).toBe('jacobian');
    expect(g.inputIndex).toBe(0);
    expect(g.elementIndex).toEqual([2]);
    expect(g.outputIndex).toBe(0);
    expect(g.outputElement).toEqual([2]);
    expect(g.numerical).toBeCloseTo(12, 6);
    expect(g.analytical).toBe(4);
    expect(g.message).toMatch(/gradcheck: Jacobian mismatch for output 0 with respect to input 0 \(shape \[3\]\) at element \[2\]/);
    expect(g.message).toMatch(/numerical 12(\.\d+)?, analytical 4;/);
  });

  test('raiseException: false reports the failure instead of throwing', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    const report = gradcheck((t) => WrongCube.apply({ x: t }, {}), [x], { raiseException: false });
    expect(report.passed).toBe(false);
    const r = report.inputs[0]!;
    expect(r.passed).toBe(false);
    // x = 4: numerical 48, analytical 8, the largest error both absolute and against its tolerance.
    expect(r.worstIndex).toEqual([1, 1]);
    expect(r.worst!.outputIndex).toEqual([1, 1]);
    expect(r.worst!.numerical).toBeCloseTo(48, 6);
    expect(r.worst!.analytical).toBe(8);
    expect(r.maxAbsError).toBeCloseTo(40, 6);
    expect(r.maxRelError).toBeCloseTo(40 / 48, 6);
    const table = formatGradcheckReport(report, ['x']);
    expect(table.split('\n')[0]).toMatch(/^input\s+shape\s+max abs err\s+max rel err\s+worst\s+ok$/);
    expect(table.split('\n')[1]).toMatch(/^x\s+\[2,2\]\s+4\.00e\+1\s+8\.33e-1\s+\[1,1\]\s+NO$/);
  });

  test('multi-output functions: each output is checked', () => {
    const x = f64([3], 3);
    const y = f64([3], 4);
    expect(gradcheck((a, b) => [mul(a, b), add(a, RightCube.apply({ x: b }, {}))], [x, y]).passed).toBe(true);
    expect(() => gradcheck((a, b) => [mul(a, b), add(a, WrongCube.apply({ x: b }, {}))], [x, y])).toThrow(
      /output 1 with respect to input 1/,
    );
  });

  test('int and bool inputs are skipped; float32 is refused unless allowed', () => {
    const x = f64([2, 2], 5);
    const idx = tensor([1, 0], { dtype: 'int32' });
    const report = gradcheck((a, i) => mul(a, i.to('float64')), [x, idx]);
    expect(report.inputs.map((r) => r.index)).toEqual([0]);
    const x32 = randn([3], { generator: new Generator(6), requiresGrad: true });
    expect(() => gradcheck((a) => mul(a, a), [x32])).toThrow(DTypeError);
    expect(() => gradcheck((a) => mul(a, a), [x32])).toThrow(/input 0 \(shape \[3\]\) is float32\. Finite differences need float64/);
    expect(gradcheck((a) => mul(a, a), [x32], { allowFloat32: true, eps: 1e-2, atol: 1e-2, rtol: 1e-2 }).passed).toBe(true);
  });

  test('refuses inputs without requiresGrad and expanded (overlapping) inputs', () => {
    expect(() => gradcheck((a) => mul(a, a), [tensor([1, 2], { dtype: 'float64' })])).toThrow(/no input requires grad/);
    const base = tensor([1], { dtype: 'float64', requiresGrad: true });
    const expanded = expand(base, [3]);
    expect(() => gradcheck((a) => mul(a, a), [expanded])).toThrow(/overlapping memory/);
  });

  test('nondetTol: a backward that differs between runs is caught unless tolerated', () => {
    const x = f64([2], 7);
    expect(() => gradcheck((t) => NoisyCube.apply({ x: t }, {}), [x])).toThrow(/backward is not reentrant/);
    expect(gradcheck((t) => NoisyCube.apply({ x: t }, {}), [x], { nondetTol: 1e-6 }).passed).toBe(true);
  });

  test('checkUndefinedGrad: zero output gradients must give zero input gradients', () => {
    const x = f64([2], 8);
    expect(() => gradcheck((t) => LeakyCube.apply({ x: t }, {}), [x])).toThrow(/all-zero output gradients the gradient of input 0 is 1/);
    const report = gradcheck((t) => LeakyCube.apply({ x: t }, {}), [x], { raiseException: false });
    expect(report.passed).toBe(false);
    expect(report.inputs[0]!.passed).toBe(true);
    expect(report.problems).toHaveLength(1);
    expect(gradcheck((t) => LeakyCube.apply({ x: t }, {}), [x], { checkUndefinedGrad: false }).passed).toBe(true);
  });

  test('fastMode compares random projections', () => {
    const x = f64([4, 3], 9);
    const report = gradcheck((t) => RightCube.apply({ x: t }, {}), [x], { fastMode: true });
    expect(report.passed).toBe(true);
    expect(report.inputs[0]!.worstIndex).toBeNull();
    expect(() => gradcheck((t) => WrongCube.apply({ x: t }, {}), [x], { fastMode: true })).toThrow(/random projection/);
  });

  test('rejects bad options', () => {
    const x = f64([2], 10);
    expect(() => gradcheck((t) => t, [x], { eps: 0 })).toThrow(/eps must be a positive finite number/);
  });
});

describe('gradgradcheck', () => {
  test('passes when the backward is differentiable and right', () => {
    const x = f64([3], 11);
    const y = f64([3], 12);
    expect(gradgradcheck((a) => RightCube.apply({ x: a }, {}), [x]).passed).toBe(true);
    expect(gradgradcheck((a, b) => sum(mul(RightCube.apply({ x: a }, {}), b)), [x, y]).passed).toBe(true);
  });

  test('catches a first derivative that is right but not differentiable', () => {
    const x = f64([3], 13);
    expect(gradcheck((a) => DetachedCube.apply({ x: a }, {}), [x]).passed).toBe(true);
    expect(() => gradgradcheck((a) => DetachedCube.apply({ x: a }, {}), [x])).toThrow(
      /gradgradcheck: Jacobian mismatch for output 0 with respect to input 0/,
    );
  });

  test('takes given gradOutputs and checks them as inputs', () => {
    const x = f64([2], 14);
    const g = f64([2], 15);
    const report = gradgradcheck((a) => RightCube.apply({ x: a }, {}), [x], { gradOutputs: [g] });
    expect(report.inputs.map((r) => r.index)).toEqual([0, 1]);
    expect(() => gradgradcheck((a) => RightCube.apply({ x: a }, {}), [x], { gradOutputs: [f64([3], 1)] })).toThrow(
      /gradOutput 0 has shape \[3\], expected \[2\]/,
    );
  });
});
