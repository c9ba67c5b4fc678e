import { Generator } from '@tsgrad/core';
import { sampleToken } from '../../src/models/sampling.js';

const logits = Float32Array.from([Math.log(0.1), Math.log(0.2), Math.log(0.3), Math.log(0.4)]);

function frequencies(opts: Parameters<typeof sampleToken>[3], n = 4000): number[] {
  const g = new Generator(123);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) counts[sampleToken(logits, 0, 4, opts, g)]!++;
  return counts.map((c) => c / n);
}

test('temperature 1 samples the softmax distribution', () => {
  frequencies({}).forEach((f, i) => expect(Math.abs(f - [0.1, 0.2, 0.3, 0.4][i]!)).toBeLessThan(0.03));
});

test('temperature 0 is argmax; ties go to the lowest id', () => {
  expect(sampleToken(logits, 0, 4, { temperature: 0 }, new Generator(0))).toBe(3);
  expect(sampleToken(Float64Array.from([1, 5, 5]), 0, 3, { temperature: 0 }, new Generator(0))).toBe(1);
});

test('topK keeps the k most likely tokens, renormalised', () => {
  const f = frequencies({ topK: 2 });
  expect(f[0]! + f[1]!).toBe(0);
  expect(Math.abs(f[3]! - 4 / 7)).toBeLessThan(0.03);
});

test('topP keeps the smallest head reaching p', () => {
  const f = frequencies({ topP: 0.65 }); // 0.4 + 0.3 ≥ 0.65
  expect(f[0]! + f[1]!).toBe(0);
  expect(Math.abs(f[2]! - 3 / 7)).toBeLessThan(0.03);
});

test('reads the row at an offset; high temperature flattens', () => {
  const rows = Float32Array.from([9, 9, 9, 9, ...logits]);
  const g = new Generator(5);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[sampleToken(rows, 4, 4, { temperature: 100 }, g)]!++;
  counts.forEach((c) => expect(Math.abs(c / 4000 - 0.25)).toBeLessThan(0.03));
});
