// Audit of issue 5 items without a test elsewhere: the step-decay and constant schedules, and
// saveSafetensors to a writable stream (the `path | writable` form).
import { PassThrough } from 'node:stream';
import { tensor } from '@tsgrad/core';
import { lrConstantSchedule, lrStepSchedule, parseSafetensors } from '@tsgrad/nn';
import { saveSafetensors } from '@tsgrad/nn/node';

test('lrStepSchedule is lr · gamma^floor(step / stepSize), like StepLR', () => {
  const opts = { lr: 0.1, stepSize: 3, gamma: 0.5 };
  expect([0, 2, 3, 5, 6, 9].map((s) => lrStepSchedule(s, opts))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]);
  expect(() => lrStepSchedule(0, { ...opts, stepSize: 0 })).toThrow(/lrStepSchedule: stepSize/);
});

test('lrConstantSchedule warms up linearly, then stays constant', () => {
  expect([0, 1, 2, 4, 100].map((s) => lrConstantSchedule(s, { lr: 0.4, warmupSteps: 4 }))).toEqual([0, 0.1, 0.2, 0.4, 0.4]);
  expect(lrConstantSchedule(0, { lr: 0.4 })).toBe(0.4);
});

test('saveSafetensors writes a parseable file to a writable stream', async () => {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await saveSafetensors(stream, { 'a.weight': tensor([[1, 2], [3, 4]], { dtype: 'float64' }), mask: tensor([true, false]) }, { step: '7' });
  stream.end();
  const bytes = new Uint8Array(Buffer.concat(chunks));
  const { tensors, metadata } = parseSafetensors(bytes);
  expect(metadata).toEqual({ step: '7' });
  expect(Array.from(tensors['a.weight']!.data)).toEqual([1, 2, 3, 4]);
  expect(tensors['a.weight']!.shape).toEqual([2, 2]);
  expect(tensors.mask!.dtype).toBe('bool');
});
