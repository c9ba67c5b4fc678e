import { Generator } from '@tsgrad/core';
import { ADAM_WASM_MIN, adamUpdateWasm, type AdamUpdateScalars } from '../../src/kernels/elementwise-wasm-adam.js';

// The plain loop of nn's adamStep, the reference the WebAssembly update must match bit for bit.
function adamReference(theta: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, s: AdamUpdateScalars): void {
  for (let i = 0; i < theta.length; i++) {
    const t = theta[i]! * s.decay;
    const g = grad[i]! + s.l2 * t;
    const mi = s.beta1 * m[i]! + (1 - s.beta1) * g;
    const vi = s.beta2 * v[i]! + (1 - s.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    theta[i] = t - (s.stepSize * mi) / (Math.sqrt(vi) / s.correction2Sqrt + s.eps);
  }
}

describe('adamUpdateWasm matches the JavaScript loop bit for bit', () => {
  const g = new Generator(3);
  const random = (n: number, scale = 1) => Float32Array.from({ length: n }, () => g.normal() * scale);
  const adamW: AdamUpdateScalars = { beta1: 0.9, beta2: 0.999, stepSize: 1e-3 / (1 - 0.9 ** 3), correction2Sqrt: Math.sqrt(1 - 0.999 ** 3), eps: 1e-8, decay: 1 - 1e-3 * 0.01, l2: 0 };
  const adam: AdamUpdateScalars = { ...adamW, decay: 1, l2: 0.05 };
  for (const [name, s] of [['AdamW', adamW], ['Adam with L2', adam]] as const) {
    for (const n of [ADAM_WASM_MIN, 257, 4099, 16385]) {
      test(`${name}, ${n} parameters`, () => {
        const theta = random(n);
        const grad = random(n, 0.1);
        const m = random(n, 0.01);
        const v = Float32Array.from(random(n, 0.01), (x) => x * x);
        grad.set([NaN, Infinity, -Infinity, 0, -0, 1e-30], 3);
        v[11] = 0;
        const want = [theta, grad, m, v].map((a) => a.slice());
        expect(adamUpdateWasm(theta, grad, m, v, s)).toBe(true);
        adamReference(want[0]!, want[1]!, want[2]!, want[3]!, s);
        expect(theta).toEqual(want[0]);
        expect(m).toEqual(want[2]);
        expect(v).toEqual(want[3]);
        expect(grad).toEqual(want[1]);
      });
    }
  }

  test('declines small parameters and mismatched lengths', () => {
    const small = random(ADAM_WASM_MIN - 1);
    expect(adamUpdateWasm(small, small.slice(), small.slice(), small.slice(), adamW)).toBe(false);
    const big = random(1000);
    expect(adamUpdateWasm(big, random(999), random(1000), random(1000), adamW)).toBe(false);
  });
});
