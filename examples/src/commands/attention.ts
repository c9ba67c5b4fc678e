import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Tensor } from '@tsgrad/core';
import { formatHelp, parseCommand, type OptionSpecs } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { displayPath, type CliIo } from '../io.js';
import { renderAnsiHeatmap } from '../render/ansi-heatmap.js';
import { renderSvgHeatmaps, type AttentionMap } from '../render/svg-heatmap.js';
import { createSequenceTask } from '../tasks/sequence-task.js';
import { loadInferenceModel } from '../training/checkpoint.js';
import { captureAttention } from '../training/capture-attention.js';
import { DEFAULT_TASK } from './train-options.js';

const ATTENTION_OPTIONS = {
  input: { type: 'string', metavar: 'PROBLEM', description: "task models: a problem; the map covers it and the model's own answer" },
  text: { type: 'string', metavar: 'TEXT', description: 'the exact token sequence to run (any model)' },
  svg: { type: 'string', metavar: 'FILE', description: 'where to write the SVG grid (default <checkpoint>/attention.svg)' },
  layer: { type: 'int', min: 0, default: 0, description: 'layer of the terminal heatmap' },
  head: { type: 'int', min: 0, default: 0, description: 'head of the terminal heatmap' },
  color: { type: 'enum', choices: ['auto', 'always', 'never'], default: 'auto', description: 'terminal colours (auto: when stdout is a terminal)' },
} as const satisfies OptionSpecs;

const USAGE = `tsgrad attention [CHECKPOINT_DIR] [options]     (default runs/${DEFAULT_TASK})`;
const SUMMARY = `Shows what a trained model attends to: writes an SVG grid of heatmaps, one per layer and head
(queries down, keys across, colour scale 0..1), and prints the heatmap of one layer/head.`;
const FOOTER = `Examples:
  tsgrad attention runs/sort --input 31415926 --layer 1 --head 2
  tsgrad attention runs/text --text "To be, or not to be" --svg tobe.svg`;

/** `tsgrad attention`: render attention maps of a checkpoint. Returns the exit code. */
export async function attentionCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals, help } = parseCommand('attention', ATTENTION_OPTIONS, argv, { maxPositionals: 1 });
  if (help) {
    io.stdout.write(formatHelp(USAGE, SUMMARY, ATTENTION_OPTIONS, FOOTER));
    return 0;
  }
  if (v.input !== undefined && v.text !== undefined) throw new UsageError('attention: give --input or --text, not both');
  const dir = resolve(io.cwd, positionals[0] ?? `runs/${DEFAULT_TASK}`);
  const { model, file, tokenizer } = await loadInferenceModel(dir);
  const { numLayers, numHeads, contextLength } = file.config;
  if (v.layer >= numLayers) throw new UsageError(`attention: --layer ${v.layer} is out of range: the model has ${numLayers} layers (0..${numLayers - 1})`);
  if (v.head >= numHeads) throw new UsageError(`attention: --head ${v.head} is out of range: the model has ${numHeads} heads (0..${numHeads - 1})`);

  let text: string;
  if (v.text !== undefined) {
    text = v.text;
  } else if (file.task.name !== 'text') {
    const task = createSequenceTask(file.task);
    const input = v.input ?? task.validationExamples[0]!.input;
    const problem = task.inputProblem(input);
    if (problem !== null) throw new UsageError(`attention: --input: ${problem}`);
    const prompt = tokenizer.encode(task.promptOf(input));
    const out = model.generate(Tensor.fromData(Int32Array.from(prompt), [1, prompt.length]), { maxNewTokens: task.answerLength, temperature: 0 });
    // The last answer token is never read by the model, so the map covers the rest.
    text = tokenizer.decode(out.toTypedArray().subarray(0, task.blockSize));
  } else {
    throw new UsageError('attention: a text model needs --text');
  }
  if (text.length === 0) throw new UsageError('attention: the text must not be empty');
  tokenizer.checkFlag('attention', '--text', text);
  const ids = tokenizer.encode(text);
  if (ids.length > contextLength) throw new UsageError(`attention: the text has ${ids.length} tokens; the model's context is ${contextLength}`);

  const weights = captureAttention(model, ids);
  const tokens = [...text];
  const maps: AttentionMap[] = weights.flatMap((layer, l) => layer.map((w, h) => ({ layer: l, head: h, weights: w })));
  const svgPath = resolve(io.cwd, v.svg ?? `${dir}/attention.svg`);
  const svg = renderSvgHeatmaps(maps, { queryTokens: tokens, keyTokens: tokens, title: `${JSON.stringify(text)} · step ${file.step}` });
  try {
    await writeFile(svgPath, svg);
  } catch (err) {
    throw new CliError(`cannot write ${svgPath}: ${(err as Error).message}`);
  }
  io.stdout.write(`wrote ${displayPath(io, svgPath)}: ${numLayers} layers x ${numHeads} heads, ${tokens.length} tokens\n\n`);
  io.stdout.write(`layer ${v.layer}, head ${v.head} (rows: queries, columns: keys)\n`);
  const color = v.color === 'always' || (v.color === 'auto' && io.stdout.isTTY === true);
  io.stdout.write(renderAnsiHeatmap(weights[v.layer]![v.head]!, { queryTokens: tokens, keyTokens: tokens, color }));
  return 0;
}
