import { Tensor } from '@tsgrad/core';
import { cat, gather, indexSelect, repeat, repeatInterleave, stack, tril, triu } from '../../src/index.js';
import { checkFixture, opsFixtureCases } from './fixture-runner.js';

type Options = Record<string, unknown>;
const pieces = (inputs: Record<string, Tensor>) => Object.keys(inputs).sort().map((k) => inputs[k]!);

const ops: Record<string, (inputs: Record<string, Tensor>, o: Options) => Tensor> = {
  cat: (i, o) => cat(pieces(i), o.dim as number),
  stack: (i, o) => stack(pieces(i), o.dim as number),
  gather: (i, o) => gather(i.x!, o.dim as number, i.index!),
  indexSelect: (i, o) => indexSelect(i.x!, o.dim as number, i.index!),
  repeat: (i, o) => repeat(i.x!, o.repeats as number[]),
  repeatInterleave: (i, o) => repeatInterleave(i.x!, o.repeats as number | number[], o.dim as number | undefined),
  triu: (i, o) => triu(i.x!, o.diagonal as number),
  tril: (i, o) => tril(i.x!, o.diagonal as number),
};

describe('shape ops match PyTorch (values and gradients)', () => {
  for (const [op, run] of Object.entries(ops)) {
    const cases = opsFixtureCases(op);
    test(`${op}: ${cases.length} fixture cases`, () => {
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) checkFixture(c, (inputs) => run(inputs, c.options));
    });
  }
});
