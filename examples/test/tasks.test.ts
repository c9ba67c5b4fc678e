import { Generator } from '@tsgrad/core';
import { IGNORE_INDEX } from '../src/tasks/task';
import { DIGIT_ALPHABET, createSequenceTask, isHeldOut } from '../src/tasks/sequence-task';
import { createTextTask } from '../src/tasks/text-task';
import { CharTokenizer } from '../src/tasks/tokenizer';
import { CliError, UsageError } from '../src/errors';

describe('CharTokenizer', () => {
  test('round-trips text and builds a sorted alphabet', () => {
    const tok = CharTokenizer.fromText('hello, world');
    expect(tok.chars.join('')).toBe(' ,dehlorw');
    expect(tok.decode(tok.encode('hello'))).toBe('hello');
    expect(CharTokenizer.fromJSON(tok.toJSON()).encode('low')).toEqual(tok.encode('low'));
  });

  test('names an unknown character', () => {
    const tok = new CharTokenizer(DIGIT_ALPHABET);
    expect(() => tok.encode('12x')).toThrow(CliError);
    expect(() => tok.checkFlag('sample', '--prompt', '1a')).toThrow(new UsageError(`sample: --prompt has "a", which the model's alphabet lacks; it knows "0123456789+="`));
  });
});

describe('digit tasks', () => {
  test.each([
    ['copy', '0123', '0123'],
    ['reverse', '0123', '3210'],
    ['sort', '3102', '0123'],
    ['add', '0999+0001', '01000'],
  ] as const)('%s solves %s', (name, input, answer) => {
    const task = createSequenceTask({ name, length: 4, evalSize: 4, seed: 1 });
    expect(task.solve(input)).toBe(answer);
    expect(task.inputProblem(input)).toBeNull();
  });

  test('batches put loss on the answer only and never draw held-out inputs', () => {
    const task = createSequenceTask({ name: 'reverse', length: 4, evalSize: 20, seed: 1 });
    expect(task.blockSize).toBe(8); // "abcd=dcba" minus the last token
    const batch = task.trainBatch(new Generator(3), 50);
    for (let r = 0; r < batch.rows; r++) {
      const row = Array.from(batch.idx.subarray(r * 8, r * 8 + 8));
      const input = task.tokenizer.decode(row.slice(0, 4));
      expect(isHeldOut(input)).toBe(false);
      const targets = Array.from(batch.targets.subarray(r * 8, r * 8 + 8));
      expect(targets.slice(0, 4)).toEqual([IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX]);
      expect(task.tokenizer.decode(targets.slice(4))).toBe(task.solve(input));
    }
    for (const ex of task.validationExamples) expect(isHeldOut(ex.input)).toBe(true);
    expect(new Set(task.validationExamples.map((e) => e.input)).size).toBe(20);
  });

  test('the same generator state gives the same batch', () => {
    const task = createSequenceTask({ name: 'sort', length: 5, evalSize: 4, seed: 1 });
    const g = new Generator(9);
    const state = g.getState();
    const a = task.trainBatch(g, 8);
    const b = task.trainBatch(new Generator(0).setState(state), 8);
    expect(Array.from(b.idx)).toEqual(Array.from(a.idx));
  });

  test('describes the expected input format', () => {
    const task = createSequenceTask({ name: 'add', length: 3, evalSize: 4, seed: 1 });
    expect(task.inputProblem('12+34')).toBe('this add model takes inputs like "314+271"; got "12+34"');
  });
});

describe('text task', () => {
  const text = 'abcdefghij'.repeat(30);

  test('splits train/validation and shifts targets by one', () => {
    const task = createTextTask({ text, dataPath: 'x.txt', blockSize: 8, valFraction: 0.2, evalSize: 5 });
    expect(task.trainSize).toBe(240);
    expect(task.valSize).toBe(60);
    const batch = task.trainBatch(new Generator(1), 4);
    for (let i = 0; i < batch.idx.length; i++) {
      if ((i + 1) % 8 !== 0) expect(batch.targets[i]).toBe(batch.idx[i + 1]);
    }
    const val = task.validationBatches(3);
    expect(val.map((b) => b.rows)).toEqual([3, 2]);
  });

  test('refuses a file too short for the context', () => {
    expect(() => createTextTask({ text: 'abc', dataPath: 'tiny.txt', blockSize: 8, valFraction: 0.1, evalSize: 5 })).toThrow(
      /data file tiny.txt is too short/,
    );
  });
});
