import { TASK_NAMES } from '../tasks/task.js';
import type { OptionSpecs } from '../args.js';

/** The default task of `tsgrad train` with no arguments (what `npm run train` runs). */
export const DEFAULT_TASK = 'sort';

/** Flags of `tsgrad train`. Defaults marked "auto" depend on the task and are filled in later. */
export const TRAIN_OPTIONS = {
  task: { type: 'enum', choices: TASK_NAMES, group: 'Task', description: `what to learn (default ${DEFAULT_TASK}; text with --data)` },
  data: { type: 'string', metavar: 'FILE', group: 'Task', description: 'text file for a character-level language model (--task text)' },
  length: { type: 'int', min: 1, max: 32, group: 'Task', description: 'digits per input of the digit tasks (default 8; add: 4)' },
  valFraction: { type: 'float', min: 0, max: 0.5, exclusiveMin: true, default: 0.1, group: 'Task', description: 'text: share of the file (its end) kept for validation' },
  evalSize: { type: 'int', min: 1, group: 'Task', description: 'held-out sequences each validation runs on (default 1000; text: 200 windows)' },

  layers: { type: 'int', min: 1, default: 2, group: 'Model', description: 'transformer blocks' },
  dModel: { type: 'int', min: 1, default: 64, group: 'Model', description: 'width of the residual stream' },
  heads: { type: 'int', min: 1, default: 4, group: 'Model', description: 'attention heads; must divide --d-model' },
  kvHeads: { type: 'int', min: 1, group: 'Model', description: 'key/value heads for grouped-query attention (default --heads)' },
  dFf: { type: 'int', min: 1, group: 'Model', description: 'feed-forward width (default 4 x --d-model)' },
  context: { type: 'int', min: 1, group: 'Model', description: 'context length in tokens (default: one task sequence; text 64)' },
  positional: { type: 'enum', choices: ['learned', 'rope'], default: 'learned', group: 'Model', description: 'position encoding' },
  norm: { type: 'enum', choices: ['layernorm', 'rmsnorm'], default: 'layernorm', group: 'Model', description: 'normalisation' },
  ffn: { type: 'enum', choices: ['gelu', 'swiglu'], default: 'gelu', group: 'Model', description: 'feed-forward block' },
  dropout: { type: 'float', min: 0, max: 0.9, default: 0, group: 'Model', description: 'dropout probability' },

  batch: { type: 'int', min: 1, default: 32, group: 'Training', description: 'sequences per step' },
  steps: { type: 'int', min: 1, group: 'Training', description: 'optimizer steps in total (default 1000; text 2000)' },
  lr: { type: 'float', min: 0, exclusiveMin: true, default: 3e-3, group: 'Training', description: 'peak learning rate' },
  warmup: { type: 'int', min: 0, group: 'Training', description: 'linear warmup steps (default min(50, steps / 10))' },
  minLr: { type: 'float', min: 0, group: 'Training', description: 'learning rate at the end of the cosine decay (default lr / 10)' },
  weightDecay: { type: 'float', min: 0, default: 0.01, group: 'Training', description: 'AdamW weight decay, on matrices only' },
  gradClip: { type: 'float', min: 0, default: 1, group: 'Training', description: 'clip the gradient norm to this (0: off)' },
  seed: { type: 'int', min: 0, default: 1337, group: 'Training', description: 'seed of the weights, the data and the validation set' },
  evalEvery: { type: 'int', min: 1, default: 100, group: 'Training', description: 'validate every N steps (and at the end)' },
  targetAccuracy: { type: 'float', min: 0, max: 1, default: 0, group: 'Training', description: 'stop once validation accuracy reaches this (0: never)' },
  threads: { type: 'int', min: 1, max: 64, default: 1, group: 'Training', description: 'threads for the large matrix products and attention (a worker pool; same results)' },

  out: { type: 'string', metavar: 'DIR', group: 'Output', description: 'checkpoints and metrics.jsonl (default runs/<task>)' },
  saveEvery: { type: 'int', min: 1, default: 500, group: 'Output', description: 'checkpoint every N steps (and at the end, and on Ctrl-C)' },
  resume: { type: 'string', metavar: 'DIR', group: 'Output', description: 'continue the run checkpointed in DIR' },
  logEvery: { type: 'int', min: 1, group: 'Output', description: 'progress line every N steps when not on a terminal (default steps / 20)' },
} as const satisfies OptionSpecs;

/** Flags a resumed run may set; the rest come from the checkpoint. */
export const RESUMABLE_OPTIONS: ReadonlySet<string> = new Set(['resume', 'steps', 'out', 'evalEvery', 'saveEvery', 'logEvery', 'targetAccuracy', 'data', 'threads']);
