import { Generator, randn } from '@tsgrad/core';
import { matmul } from '../../src/linalg/matmul.js';

// x · w.mT (a bias-free linear on a batch): the weight gradient is computed in w's own layout.
describe('matmul gradient of a transposed shared matrix', () => {
  const g = new Generator(8);
  for (const [batch, rows, inF, outF] of [[2, 3, 5, 7], [4, 33, 16, 65], [1, 1, 1, 3]] as const) {
    test(`x (${batch},${rows},${inF}) · w.mT, w (${outF},${inF})`, () => {
      const x = randn([batch, rows, inF], { generator: g });
      const w = randn([outF, inF], { generator: g });
      w.requiresGrad = true;
      const dy = randn([batch, rows, outF], { generator: g });
      matmul(x, w.mT).backward(dy);
      const grad = w.grad!;
      expect(grad.shape).toEqual([outF, inF]);
      expect(grad.isContiguous()).toBe(true);
      // dW[o][i] = Σ_{b,r} dy[b,r,o]·x[b,r,i], in float64.
      const xd = x.toTypedArray();
      const dd = dy.toTypedArray();
      const got = grad.toTypedArray();
      for (let o = 0; o < outF; o++) {
        for (let i = 0; i < inF; i++) {
          let want = 0;
          for (let r = 0; r < batch * rows; r++) want += dd[r * outF + o]! * xd[r * inF + i]!;
          expect(Math.abs(got[o * inF + i]! - want)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want)));
        }
      }
      // The untransposed operand keeps the (in, out) layout of its own gradient.
      const v = randn([inF, outF], { generator: g });
      v.requiresGrad = true;
      matmul(x, v).backward(dy);
      const gv = v.grad!.toTypedArray();
      for (let o = 0; o < outF; o++) for (let i = 0; i < inF; i++) expect(gv[i * outF + o]).toBeCloseTo(got[o * inF + i]!, 4);
    });
  }
});
