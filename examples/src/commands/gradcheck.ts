import { formatGradcheckReport, gradcheck, type SdpaImplementation } from '@tsgrad/nn';
import { formatHelp, parseCommand, type OptionSpecs } from '../args.js';
import { UsageError, messageOf } from '../errors.js';
import type { CliIo } from '../io.js';
import { ATTENTION_CASES, attentionCase, caseTitle, type AttentionCaseName } from '../gradcheck/attention-cases.js';
import { registerBrokenOp } from '../gradcheck/broken-op.js';
import type { GradcheckCase } from '../gradcheck/case.js';
import { differentiableOps, opCase } from '../gradcheck/op-case.js';

const GRADCHECK_OPTIONS = {
  case: { type: 'string', metavar: 'LIST', group: 'What to check', description: `comma-separated attention cases, or "all" (default all unless --op): ${ATTENTION_CASES.join(', ')}` },
  impl: { type: 'enum', choices: ['fused', 'composite', 'both'], default: 'both', group: 'What to check', description: 'which scaledDotProductAttention implementation the sdpa cases run' },
  op: { type: 'string', metavar: 'LIST', group: 'What to check', description: 'comma-separated registered ops to check by name' },
  listOps: { type: 'boolean', group: 'What to check', description: 'print the registered differentiable ops and exit' },
  batch: { type: 'int', min: 1, max: 8, default: 2, group: 'Attention shapes', description: 'batch size' },
  heads: { type: 'int', min: 1, max: 16, default: 4, group: 'Attention shapes', description: 'query heads (MHSA heads)' },
  kvHeads: { type: 'int', min: 1, max: 16, default: 2, group: 'Attention shapes', description: 'key/value heads of the GQA case (divides --heads)' },
  len: { type: 'int', min: 1, max: 32, default: 3, group: 'Attention shapes', description: 'query length L (MHSA sequence length)' },
  kvLen: { type: 'int', min: 1, max: 32, group: 'Attention shapes', description: 'key length S (default --len + 1, so L differs from S)' },
  headDim: { type: 'int', min: 1, max: 32, default: 4, group: 'Attention shapes', description: 'query/key size E (MHSA head size)' },
  valueDim: { type: 'int', min: 1, max: 32, group: 'Attention shapes', description: 'value size Ev (default --head-dim)' },
  shape: { type: 'string', metavar: 'DIMS', default: '3,4', group: 'Op inputs', description: "shape of every input of --op (2,3,4), or one per input ('2,3;3,4')" },
  args: { type: 'string', metavar: 'JSON', default: '{}', group: 'Op inputs', description: 'non-tensor arguments of --op, e.g. \'{"dim":-1}\'' },
  low: { type: 'float', group: 'Op inputs', description: 'lower end of the random inputs (default -1; 0.5 for log, sqrt, div, ...)' },
  high: { type: 'float', group: 'Op inputs', description: 'upper end of the random inputs (default 1; 1.5 for log, sqrt, div, ...)' },
  eps: { type: 'float', min: 0, exclusiveMin: true, default: 1e-6, group: 'Tolerances', description: 'finite-difference step' },
  atol: { type: 'float', min: 0, default: 1e-5, group: 'Tolerances', description: 'absolute tolerance' },
  rtol: { type: 'float', min: 0, default: 1e-3, group: 'Tolerances', description: 'relative tolerance' },
  seed: { type: 'int', min: 0, default: 0, group: 'Tolerances', description: 'seed of the random inputs' },
  withBrokenOp: { type: 'boolean', hidden: true, description: 'register examples.brokenSquare, whose gradient is wrong (for tests)' },
} as const satisfies OptionSpecs;

const USAGE = 'tsgrad gradcheck [options]';
const SUMMARY = `Compares autograd's gradients with central finite differences in float64: scaledDotProductAttention
under every mask variant (none, bool, float, causal, fully-masked rows, grouped-query) in both
implementations, MultiHeadSelfAttention with and without RoPE (input and all weights), and any
registered op by name. Prints a table per check and exits 1 if any check fails.`;
const FOOTER = `Examples:
  tsgrad gradcheck
  tsgrad gradcheck --case sdpa-causal,sdpa-gqa --heads 4 --kv-heads 2 --len 5 --kv-len 7
  tsgrad gradcheck --op softmax,logSoftmax --shape 2,5 --args '{"dim":-1}'
  tsgrad gradcheck --op matmul --shape '2,3;3,4'`;

/** `tsgrad gradcheck`: run the checks, print tables, exit 1 on any failure. */
export async function gradcheckCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, help } = parseCommand('gradcheck', GRADCHECK_OPTIONS, argv);
  if (help) {
    io.stdout.write(formatHelp(USAGE, SUMMARY, GRADCHECK_OPTIONS, FOOTER));
    return 0;
  }
  if (v.withBrokenOp) registerBrokenOp();
  if (v.listOps) {
    io.stdout.write(`${differentiableOps().join('\n')}\n`);
    return 0;
  }
  const cases = buildCases(v);
  let failed = 0;
  for (const { name, build } of cases) {
    io.stdout.write(`${name}\n`);
    try {
      const c = build();
      const report = gradcheck(c.fn, c.inputs, { eps: v.eps, atol: v.atol, rtol: v.rtol, raiseException: false });
      io.stdout.write(`${indent(formatGradcheckReport(report, c.names))}\n  ${report.passed ? 'PASS' : 'FAIL'}\n\n`);
      if (!report.passed) failed += 1;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      io.stdout.write(`  ERROR: ${messageOf(err)}\n  FAIL\n\n`);
      failed += 1;
    }
  }
  const summary = `${cases.length} check${cases.length === 1 ? '' : 's'}: ${cases.length - failed} passed, ${failed} failed`;
  io.stdout.write(`${summary}\n`);
  if (failed > 0) io.stderr.write(`tsgrad gradcheck: ${failed} of ${cases.length} check${cases.length === 1 ? '' : 's'} failed\n`);
  return failed > 0 ? 1 : 0;
}

type Values = ReturnType<typeof parseCommand<typeof GRADCHECK_OPTIONS>>['values'];

/** The checks to run, each built lazily so one bad case does not stop the others. */
function buildCases(v: Values): { name: string; build: () => GradcheckCase }[] {
  const list = (text: string) => text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const caseNames = v.case === undefined ? (v.op === undefined ? [...ATTENTION_CASES] : []) : list(v.case);
  const chosen = caseNames.includes('all') ? [...ATTENTION_CASES] : caseNames;
  for (const name of chosen) {
    if (!(ATTENTION_CASES as readonly string[]).includes(name)) {
      throw new UsageError(`gradcheck: unknown --case '${name}'; choose from ${ATTENTION_CASES.join(', ')}, all`);
    }
  }
  if (v.heads % v.kvHeads !== 0) throw new UsageError(`gradcheck: --heads ${v.heads} is not divisible by --kv-heads ${v.kvHeads}`);
  if (chosen.includes('mhsa-rope') && v.headDim % 2 !== 0) throw new UsageError(`gradcheck: mhsa-rope needs an even --head-dim, got ${v.headDim}`);
  const shapes = { batch: v.batch, heads: v.heads, kvHeads: v.kvHeads, len: v.len, kvLen: v.kvLen ?? v.len + 1, headDim: v.headDim, valueDim: v.valueDim ?? v.headDim };
  const impls: SdpaImplementation[] = v.impl === 'both' ? ['fused', 'composite'] : [v.impl];
  const out: { name: string; build: () => GradcheckCase }[] = [];
  for (const name of chosen as AttentionCaseName[]) {
    // MHSA picks its own implementation; its cases run once.
    for (const impl of name.startsWith('sdpa') ? impls : impls.slice(0, 1)) {
      out.push({ name: caseTitle(name, impl), build: () => attentionCase(name, shapes, impl, v.seed) });
    }
  }
  if (v.op !== undefined) {
    const shapes = v.shape.split(';').map(parseShape);
    const args = parseJsonArgs(v.args);
    for (const name of list(v.op)) {
      const c = opCase(name, { shapes, args, seed: v.seed, ...(v.low !== undefined ? { low: v.low } : {}), ...(v.high !== undefined ? { high: v.high } : {}) });
      out.push({ name: c.name, build: () => c });
    }
  }
  if (out.length === 0) throw new UsageError('gradcheck: nothing to check; give --case or --op');
  return out;
}

function parseShape(text: string): number[] {
  const dims = text.split(',').map((s) => Number(s.trim()));
  if (text.trim() === '' || dims.some((d) => !Number.isInteger(d) || d < 1 || d > 64)) {
    throw new UsageError(`gradcheck: --shape must be comma-separated sizes from 1 to 64, like 2,3 (';' between inputs); got '${text}'`);
  }
  return dims;
}

function parseJsonArgs(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`gradcheck: --args must be a JSON object, like '{"dim":-1}'; got '${text}'`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`gradcheck: --args must be a JSON object, like '{"dim":-1}'; got '${text}'`);
  }
  return value as Record<string, unknown>;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
