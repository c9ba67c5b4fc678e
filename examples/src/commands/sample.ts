import { resolve } from 'node:path';
import { Generator, Tensor } from '@tsgrad/core';
import { formatHelp, parseCommand, type OptionSpecs } from '../args.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { createSequenceTask } from '../tasks/sequence-task.js';
import type { SequenceTask } from '../tasks/task.js';
import { loadInferenceModel, type InferenceModel } from '../training/checkpoint.js';
import { DEFAULT_TASK } from './train-options.js';

const SAMPLE_OPTIONS = {
  prompt: { type: 'string', metavar: 'TEXT', description: 'text to continue (text models; default a newline)' },
  input: { type: 'string', metavar: 'PROBLEM', description: "task models: a problem (e.g. 12345678); shows the model's answer and the right one" },
  count: { type: 'int', min: 1, max: 100, default: 5, description: 'task models without --input: how many held-out problems to show' },
  maxNewTokens: { type: 'int', min: 0, description: 'tokens to generate (default: one answer for tasks, 200 for text)' },
  temperature: { type: 'float', min: 0, description: 'softmax temperature; 0 is greedy (default: 0 for tasks, 1 for text)' },
  topK: { type: 'int', min: 1, description: 'sample only from the k most likely tokens' },
  topP: { type: 'float', min: 0, max: 1, exclusiveMin: true, description: 'nucleus sampling: smallest set of tokens with this much probability' },
  seed: { type: 'int', min: 0, default: 0, description: 'seed of the sampling (same seed, same text)' },
} as const satisfies OptionSpecs;

const USAGE = `tsgrad sample [CHECKPOINT_DIR] [options]     (default runs/${DEFAULT_TASK})`;
const SUMMARY = `Generates from a trained checkpoint. For a task model, --input gives it a problem and shows its
answer next to the right one; without --input it answers a few held-out problems. For a text
model, --prompt starts the text.`;
const FOOTER = `Examples:
  tsgrad sample runs/sort --input 31415926
  tsgrad sample runs/text --prompt "ROMEO:" --max-new-tokens 300 --temperature 0.8 --top-k 10 --seed 7`;

/** `tsgrad sample`: generate from a checkpoint. Returns the exit code. */
export async function sampleCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals, help } = parseCommand('sample', SAMPLE_OPTIONS, argv, { maxPositionals: 1 });
  if (help) {
    io.stdout.write(formatHelp(USAGE, SUMMARY, SAMPLE_OPTIONS, FOOTER));
    return 0;
  }
  const dir = resolve(io.cwd, positionals[0] ?? `runs/${DEFAULT_TASK}`);
  const loaded = await loadInferenceModel(dir);
  const info = loaded.file.task;
  const sampling = {
    ...(v.topK !== undefined ? { topK: v.topK } : {}),
    ...(v.topP !== undefined ? { topP: v.topP } : {}),
    generator: new Generator(v.seed),
  };
  if (info.name === 'text' || v.prompt !== undefined) {
    if (v.input !== undefined) throw new UsageError('sample: --input is for task models; use --prompt');
    const prompt = v.prompt ?? (loaded.tokenizer.chars.includes('\n') ? '\n' : loaded.tokenizer.chars[0]!);
    if (prompt === '') throw new UsageError('sample: --prompt must not be empty');
    loaded.tokenizer.checkFlag('sample', '--prompt', prompt);
    const text = generate(loaded, prompt, v.maxNewTokens ?? (info.name === 'text' ? 200 : 16), { temperature: v.temperature ?? 1, ...sampling });
    io.stdout.write(`${prompt}${text}\n`);
    return 0;
  }
  const task = createSequenceTask(info);
  const options = { temperature: v.temperature ?? 0, ...sampling };
  const maxNew = v.maxNewTokens ?? task.answerLength;
  if (v.input !== undefined) {
    const problem = task.inputProblem(v.input);
    if (problem !== null) throw new UsageError(`sample: --input: ${problem}`);
    io.stdout.write(answerTable(loaded, task, [v.input], maxNew, options));
    return 0;
  }
  const inputs = task.validationExamples.slice(0, v.count).map((e) => e.input);
  io.stdout.write(`held-out ${info.name} problems (step ${loaded.file.step} checkpoint):\n`);
  io.stdout.write(answerTable(loaded, task, inputs, maxNew, options));
  return 0;
}

interface SamplingSettings {
  temperature: number;
  topK?: number;
  topP?: number;
  generator: Generator;
}

/** Generates `maxNewTokens` after `prompt` and returns only the new text. */
function generate(loaded: InferenceModel, prompt: string, maxNewTokens: number, opts: SamplingSettings): string {
  const ids = loaded.tokenizer.encode(prompt);
  const idx = Tensor.fromData(Int32Array.from(ids), [1, ids.length]);
  const out = loaded.model.generate(idx, { maxNewTokens, ...opts }).toTypedArray();
  return loaded.tokenizer.decode(out.subarray(ids.length));
}

function answerTable(loaded: InferenceModel, task: SequenceTask, inputs: readonly string[], maxNew: number, opts: SamplingSettings): string {
  const width = Math.max(5, task.inputLength);
  const lines = [`${'input'.padEnd(width)}  ${'model'.padEnd(Math.max(5, maxNew))}  ${'right'.padEnd(Math.max(5, task.answerLength))}`];
  let correct = 0;
  for (const input of inputs) {
    const predicted = generate(loaded, task.promptOf(input), maxNew, opts);
    const expected = task.solve(input);
    if (predicted === expected) correct += 1;
    lines.push(
      `${input.padEnd(width)}  ${predicted.padEnd(Math.max(5, maxNew))}  ${expected.padEnd(Math.max(5, task.answerLength))}  ${predicted === expected ? 'ok' : 'WRONG'}`,
    );
  }
  if (inputs.length > 1) lines.push(`${correct}/${inputs.length} right`);
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}
