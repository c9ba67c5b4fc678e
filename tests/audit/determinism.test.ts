// Audit: everything random takes a seed (an explicit Generator, or manualSeed for the
// default one); the same seed gives the same numbers and another seed different ones.
import { Generator, Tensor, manualSeed, ones, rand, randint, randn } from '@tsgrad/core';
import * as ops from '@tsgrad/ops';
import { Dropout, Embedding, GPT, Linear, MultiHeadSelfAttention, scaledDotProductAttention, type GPTConfig } from '@tsgrad/nn';

const values = (t: Tensor): number[] => Array.from(t.toTypedArray(), Number);
const flat = (ts: Tensor[]): number[] => ts.flatMap(values);

const CONFIG: GPTConfig = {
  vocabSize: 9,
  contextLength: 8,
  dModel: 8,
  numLayers: 2,
  numHeads: 2,
  dFf: 16,
  positional: 'learned',
  norm: 'layernorm',
  ffn: 'gelu',
  dropout: 0.2,
};

// Each source of randomness, drawn once with the given seed.
const sources: [string, (seed: number) => number[]][] = [
  ['randn', (s) => values(randn([16], { generator: new Generator(s) }))],
  ['rand', (s) => values(rand([16], { generator: new Generator(s) }))],
  ['randint', (s) => values(randint(0, 1000, [16], { generator: new Generator(s) }))],
  ['ops.dropout', (s) => values(ops.dropout(ones([32]), 0.5, { generator: new Generator(s) }))],
  ['Dropout module', (s) => values(new Dropout(0.5, { generator: new Generator(s) }).forward(ones([32])))],
  ['Linear init', (s) => flat(new Linear(4, 4, { generator: new Generator(s) }).parameters())],
  ['Embedding init', (s) => flat(new Embedding(4, 4, { generator: new Generator(s) }).parameters())],
  ['MultiHeadSelfAttention init', (s) => flat(new MultiHeadSelfAttention({ dModel: 4, numHeads: 2, generator: new Generator(s) }).parameters())],
  ['GPT init', (s) => flat(new GPT({ ...CONFIG, generator: new Generator(s) }).parameters())],
  [
    'GPT training forward (dropout)',
    (s) => {
      const model = new GPT({ ...CONFIG, generator: new Generator(s) });
      return values(model.forward(ops.cast(randint(0, 9, [2, 5], { generator: new Generator(0) }), 'int32')).logits);
    },
  ],
  [
    'SDPA dropout',
    (s) => {
      const q = randn([2, 6, 4], { generator: new Generator(0) });
      return values(scaledDotProductAttention(q, q, q, { dropoutP: 0.5, generator: new Generator(s) }));
    },
  ],
  [
    'GPT.generate',
    (s) => {
      const model = new GPT({ ...CONFIG, generator: new Generator(1) });
      return values(model.generate(ops.cast(randint(0, 9, [2, 2], { generator: new Generator(0) }), 'int32'), { maxNewTokens: 12, generator: new Generator(s) }));
    },
  ],
];

test.each(sources)('%s: same seed, same numbers; another seed, different numbers', (_name, draw) => {
  expect(draw(42)).toEqual(draw(42));
  expect(draw(43)).not.toEqual(draw(42));
});

test('manualSeed makes the default generator reproducible for factories, init, dropout and GPT', () => {
  const run = () => {
    manualSeed(7);
    return [
      values(randn([4])),
      flat(new Linear(3, 3).parameters()),
      values(ops.dropout(ones([16]), 0.5)),
      flat(new GPT({ ...CONFIG, dropout: 0 }).parameters()).slice(0, 50),
    ];
  };
  expect(run()).toEqual(run());
});

test('a Generator state round-trips: resuming gives the same continuation', () => {
  const g = new Generator(3);
  g.normal();
  const state = g.getState();
  const a = [g.random(), g.normal(), g.uint32()];
  g.setState(state);
  expect([g.random(), g.normal(), g.uint32()]).toEqual(a);
});
