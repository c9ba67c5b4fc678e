// Audit of issue 2: "the types make a missing gradient for a differentiable input a compile
// error". Jest transpiles without type checking, so this compiles snippets with the
// TypeScript compiler API and asserts on the diagnostics.
import * as path from 'node:path';
import * as ts from 'typescript';
import { defineOp, mul, tensor, type Tensor } from '@tsgrad/core';

const ROOT = path.resolve(__dirname, '../..');
const VIRTUAL = path.join(ROOT, 'tests/audit/__virtual_op__.ts');

function diagnosticsOf(code: string): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    baseUrl: ROOT,
    paths: { '@tsgrad/core': ['packages/core/src/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === VIRTUAL ? ts.createSourceFile(name, code, lang) : getSourceFile(name, lang, ...rest);
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => name === VIRTUAL || exists(name);
  const program = ts.createProgram([VIRTUAL, path.join(ROOT, 'packages/core/src/seedrandom-alea.d.ts')], options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(VIRTUAL))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

const header = `import { defineOp, mul, type Tensor } from '@tsgrad/core';\n`;

test('a backward that returns every differentiable gradient compiles', () => {
  const ok = `${header}
export const Op = defineOp({
  name: 'audit_ok', inputs: ['a', 'b'],
  forward: ({ a, b }) => mul(a, b),
  backward: ({ dy, inputs: { a, b } }): { a: Tensor; b: Tensor } => ({ a: mul(dy, b), b: mul(dy, a) }),
});`;
  expect(diagnosticsOf(ok)).toEqual([]);
}, 60_000);

test('leaving out the gradient of a differentiable input is a compile error (inferred type arguments)', () => {
  const missing = `${header}
export const Op = defineOp({
  name: 'audit_missing', inputs: ['a', 'b'],
  forward: ({ a, b }) => mul(a, b),
  backward: ({ dy, inputs: { b } }) => ({ a: mul(dy, b) }),
});`;
  const diags = diagnosticsOf(missing);
  expect(diags.join('\n')).toMatch(/'b'/);
}, 60_000);

test('leaving out a gradient is a compile error when the input names are given explicitly', () => {
  const missing = `${header}
export const Op = defineOp<'a' | 'b'>({
  name: 'audit_missing_explicit', inputs: ['a', 'b'],
  forward: ({ a, b }) => mul(a, b),
  backward: ({ dy, inputs: { b } }) => ({ a: mul(dy, b) }),
});`;
  expect(diagnosticsOf(missing).join('\n')).toMatch(/'b'/);
}, 60_000);

test('a non-differentiable input needs no gradient', () => {
  const nonDiff = `${header}
export const Op = defineOp<'x' | 'mask', Record<string, never>, undefined, 'x'>({
  name: 'audit_nondiff', inputs: ['x', 'mask'], differentiable: ['x'],
  forward: ({ x }) => x,
  backward: ({ dy }) => ({ x: dy }),
});`;
  expect(diagnosticsOf(nonDiff)).toEqual([]);
}, 60_000);

test('at run time, a backward that omits a gradient fails clearly instead of dropping it', () => {
  const Op = defineOp({
    name: 'audit_runtime_missing_gradient',
    inputs: ['a', 'b'],
    forward: ({ a, b }) => mul(a, b),
    // A plain-JavaScript caller (or a cast) gets past the compile-time check.
    backward: ({ dy, inputs: { b } }) => ({ a: mul(dy, b) }) as { a: Tensor; b: Tensor },
  });
  const a = tensor([2], { dtype: 'float64', requiresGrad: true });
  const b = tensor([3], { dtype: 'float64', requiresGrad: true });
  expect(() => Op.apply({ a, b }, {}).backward()).toThrow(/audit_runtime_missing_gradient.*'b'/);
});
