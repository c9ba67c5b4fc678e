import { Generator, defineOp, mul, randn } from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { checkGradients } from './finite-difference.js';

// d(x²) = 2x dx, written three ways: right, wrong, and right but not differentiable again.
const square = (name: string, rule: (dy: Tensor, x: Tensor) => Tensor) => {
  const op = defineOp({ name, inputs: ['x'], forward: ({ x }) => mul(x, x), backward: ({ dy, inputs: { x } }) => ({ x: rule(dy, x) }) });
  return (x: Tensor) => op.apply({ x }, {});
};
const good = square('fdGoodSquare', (dy, x) => mul(dy, mul(x, 2)));
const wrong = square('fdWrongSquare', (dy, x) => mul(dy, x));
const detached = square('fdDetachedSquare', (dy, x) => mul(dy, mul(x.detach(), 2)));

const input = () => [randn([2, 3], { dtype: 'float64', generator: new Generator(4), requiresGrad: true })];

describe('finite-difference oracle', () => {
  test('accepts a correct rule to second order', () => {
    expect(checkGradients(good, input(), { secondOrder: true })).toEqual([]);
  });
  test('flags a wrong first derivative on every element', () => {
    const problems = checkGradients(wrong, input());
    expect(problems).toHaveLength(6);
    expect(problems[0]).toMatch(/^first order: input 0 \[2,3\] element 0: analytic/);
  });
  test('flags a backward that is not differentiable again, only in the second order', () => {
    expect(checkGradients(detached, input())).toEqual([]);
    const problems = checkGradients(detached, input(), { secondOrder: true });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith('second order: input 0'))).toBe(true);
  });
  test('refuses inputs it cannot perturb', () => {
    const x = randn([2, 2], { dtype: 'float32', requiresGrad: true });
    expect(() => checkGradients(good, [x])).toThrow(/gradcheck: input 0 must be a contiguous float64 leaf/);
  });
});
