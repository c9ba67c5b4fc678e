/**
 * core, ops and nn must load in a browser: walks the import graph from each package's entry
 * point and fails on any Node built-in (fs, path, node:*, worker_threads, ...). The Node-only
 * helpers live in @tsgrad/nn/node, a separate entry point.
 */
import { readFileSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const importPattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function walk(entry: string): { files: string[]; external: Map<string, string> } {
  const seen = new Set<string>();
  const external = new Map<string, string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const match of source.matchAll(importPattern)) {
      const spec = match[1] ?? match[2] ?? match[3]!;
      if (spec.startsWith('.')) {
        const target = join(dirname(file), spec.replace(/\.js$/, '.ts'));
        stack.push(existsSync(target) ? target : join(dirname(file), spec.replace(/\.js$/, ''), 'index.ts'));
      } else {
        external.set(spec, file);
      }
    }
  }
  return { files: [...seen], external };
}

describe.each(['core', 'ops', 'nn'])('@tsgrad/%s loads in a browser', (pkg) => {
  const { files, external } = walk(join(root, 'packages', pkg, 'src', 'index.ts'));

  test('imports no Node built-in module', () => {
    const offenders = [...external].filter(([spec]) => builtins.has(spec)).map(([spec, file]) => `${spec} (in ${file})`);
    expect(offenders).toEqual([]);
    expect(files.length).toBeGreaterThan(3);
  });

  test('imports only tsgrad packages and browser-safe seedrandom', () => {
    const allowed = /^(@tsgrad\/(core|ops)|seedrandom\/lib\/alea\.js)$/;
    expect([...external.keys()].filter((spec) => !allowed.test(spec))).toEqual([]);
  });

  test('uses no Node globals (Buffer, process, require, __dirname)', () => {
    const globals = /\b(Buffer|process|__dirname|__filename)\b\s*[.(]|\brequire\(/;
    const offenders = files.filter((f) => globals.test(readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')));
    expect(offenders).toEqual([]);
  });
});
