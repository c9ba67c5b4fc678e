import { Generator, randn, tensor, zeros } from '@tsgrad/core';
import { crossEntropy, mseLoss, nllLoss } from '../../src/functional/index.js';
import { gradcheck, gradgradcheck } from '../../src/gradcheck/index.js';

const g = new Generator(3);

describe('crossEntropy', () => {
  test('hand-computed value: uniform logits give log C', () => {
    const loss = crossEntropy(zeros([2, 4]), tensor([1, 3], { dtype: 'int32' }));
    expect(loss.item()).toBeCloseTo(Math.log(4), 6);
    expect(loss.dtype).toBe('float32');
  });

  test('float32 stays finite and exact for logits of 1e4', () => {
    const logits = tensor([[1e4, -1e4, 0], [0, 2e4, 1e4]], { requiresGrad: true });
    const loss = crossEntropy(logits, tensor([1, 1], { dtype: 'int32' }), { reduction: 'none' });
    expect(Array.from(loss.toTypedArray())).toEqual([2e4, 0]);
    loss.sum().backward();
    expect(Array.from(logits.grad!.toTypedArray())).toEqual([1, -1, 0, 0, 0, 0]);
  });

  test('a (C) input with a 0-d target gives a 0-d loss', () => {
    const logits = tensor([0, Math.log(3)]);
    const loss = crossEntropy(logits, tensor(1, { dtype: 'int32' }), { reduction: 'none' });
    expect(loss.shape).toEqual([]);
    expect(loss.item()).toBeCloseTo(-Math.log(0.75), 6);
  });

  test('all targets ignored: mean is NaN, gradient is zero', () => {
    const logits = randn([3, 4], { generator: g, requiresGrad: true });
    const loss = crossEntropy(logits, tensor([-100, -100, -100], { dtype: 'int32' }));
    expect(Number.isNaN(loss.item())).toBe(true);
    loss.backward();
    expect(Array.from(logits.grad!.toTypedArray()).every((v) => v === 0)).toBe(true);
  });

  test('gradients and second derivatives match finite differences, (N, C, d) layout with smoothing', () => {
    const logits = randn([2, 3, 2], { dtype: 'float64', generator: g, requiresGrad: true });
    const target = tensor([[0, 2], [-100, 1]], { dtype: 'int32' });
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const fn = (x?: unknown) => crossEntropy(x as typeof logits, target, { reduction, labelSmoothing: 0.2 });
      expect(gradcheck(fn, [logits]).passed).toBe(true);
      expect(gradgradcheck(fn, [logits]).passed).toBe(true);
    }
  });

  test('errors name the op, the argument and the values', () => {
    const logits = zeros([2, 3]);
    expect(() => crossEntropy(logits, tensor([0, 3], { dtype: 'int32' }))).toThrow(
      'crossEntropy: target value 3 at flat position 1 is out of range for 3 classes (ignoreIndex is -100)',
    );
    expect(() => crossEntropy(logits, tensor([0, 1]))).toThrow('crossEntropy: target must be int32 class indices, got float32');
    expect(() => crossEntropy(logits, tensor([[0, 1]], { dtype: 'int32' }))).toThrow(
      'crossEntropy: target of shape [1,2] does not fit input of shape [2,3]; expected target shape [2] (class dim is 1)',
    );
    expect(() => crossEntropy(logits, tensor([0, 1], { dtype: 'int32' }), { labelSmoothing: 1.5 })).toThrow(
      'crossEntropy: labelSmoothing must be in [0, 1], got 1.5',
    );
    expect(() => crossEntropy(logits, tensor([0, 1], { dtype: 'int32' }), { reduction: 'avg' as 'mean' })).toThrow(
      "crossEntropy: reduction must be 'mean', 'sum' or 'none', got 'avg'",
    );
  });
});

describe('nllLoss and mseLoss', () => {
  test('nllLoss picks −logProbs[target] and skips ignored targets', () => {
    const lp = tensor([[-1, -2], [-3, -4], [-5, -6]]);
    expect(nllLoss(lp, tensor([1, 0, -100], { dtype: 'int32' })).item()).toBeCloseTo(2.5, 6);
    expect(nllLoss(lp, tensor([1, 0, 1], { dtype: 'int32' }), { reduction: 'sum' }).item()).toBeCloseTo(11, 6);
  });

  test('nllLoss gradients match finite differences', () => {
    const lp = randn([3, 4], { dtype: 'float64', generator: g, requiresGrad: true });
    const target = tensor([3, -100, 0], { dtype: 'int32' });
    expect(gradgradcheck((x) => nllLoss(x!, target), [lp]).passed).toBe(true);
  });

  test('mseLoss values, gradients to both sides, and a shape error', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([1, 0, 0], { requiresGrad: true });
    const loss = mseLoss(a, b);
    expect(loss.item()).toBeCloseTo(13 / 3, 6);
    loss.backward();
    expect(Array.from(a.grad!.toTypedArray())).toEqual([0, 4 / 3, 2].map(Math.fround));
    expect(Array.from(b.grad!.toTypedArray(), (v) => v + 0)).toEqual([0, -4 / 3, -2].map(Math.fround));
    expect(() => mseLoss(a, zeros([2]))).toThrow('mseLoss: input of shape [3] and target of shape [2] differ');
  });
});
