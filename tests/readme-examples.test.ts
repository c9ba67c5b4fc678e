/**
 * Runs the code examples of the READMEs: every ```ts block that is followed by a ```text
 * block is compiled, executed against the packages' sources, and its console.log output
 * must equal the text block exactly. Keeps the documentation honest.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '..');
const readmes = ['README.md', 'packages/core/README.md', 'packages/ops/README.md', 'packages/nn/README.md'];
const blockPattern = /```ts\n([\s\S]*?)```\s*\n```text\n([\s\S]*?)```/g;

function examplesOf(file: string): { code: string; expected: string }[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(blockPattern)].map((m) => ({ code: m[1]!, expected: m[2]!.trimEnd() }));
}

function runExample(code: string): string {
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const lines: string[] = [];
  const capture = { log: (...args: unknown[]) => lines.push(args.map(String).join(' ')) };
  new Function('require', 'exports', 'console', js)(require, {}, capture);
  return lines.join('\n');
}

describe.each(readmes)('%s', (file) => {
  const examples = examplesOf(file);

  test('has at least one runnable example', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  test.each(examples.map((e, i) => [i, e] as const))('example %i prints what the README shows', (_, example) => {
    expect(runExample(example.code)).toBe(example.expected);
  });
});
