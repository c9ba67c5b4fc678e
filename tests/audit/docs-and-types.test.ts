// Audit: every export of packages/{core,ops,nn}/src/index.ts (and nn/node), and every public
// member of the exported classes and interfaces, carries a doc comment, and no public
// declaration mentions `any`. Works from the sources with the TypeScript compiler API
// (declarations are emitted in memory), so no build is needed.
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const ENTRIES = ['packages/core/src/index.ts', 'packages/ops/src/index.ts', 'packages/nn/src/index.ts', 'packages/nn/src/node/index.ts'].map(
  (p) => path.join(ROOT, p),
);

let program: ts.Program;

beforeAll(() => {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    declaration: true,
    emitDeclarationOnly: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules/@types')],
    baseUrl: ROOT,
    paths: {
      '@tsgrad/core': ['packages/core/src/index.ts'],
      '@tsgrad/ops': ['packages/ops/src/index.ts'],
      '@tsgrad/nn': ['packages/nn/src/index.ts'],
    },
  };
  program = ts.createProgram([...ENTRIES, path.join(ROOT, 'packages/core/src/seedrandom-alea.d.ts')], options);
});

function hasDoc(decl: ts.Declaration): boolean {
  // Variable declarations carry their comment on the statement.
  const node = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
  return ts.getJSDocCommentsAndTags(node).length > 0;
}

function undocumentedExports(): string[] {
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  for (const entry of ENTRIES) {
    const source = program.getSourceFile(entry)!;
    const moduleSymbol = checker.getSymbolAtLocation(source)!;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decls = symbol.declarations ?? [];
      // Overloaded functions: a comment on any signature (or the implementation) is enough.
      if (!decls.some(hasDoc)) {
        const where = decls[0] ? path.relative(ROOT, decls[0].getSourceFile().fileName) : '?';
        missing.push(`${path.relative(ROOT, entry)}: ${exported.name} (${where})`);
      }
    }
  }
  return missing;
}

/** True when a base class or implemented interface of `decl` documents a member called `name`. */
function inheritsDoc(checker: ts.TypeChecker, decl: ts.ClassDeclaration | ts.InterfaceDeclaration, name: string): boolean {
  for (const clause of decl.heritageClauses ?? []) {
    for (const base of clause.types) {
      const member = checker.getTypeAtLocation(base).getProperty(name);
      if (member?.declarations?.some((d) => ts.getJSDocCommentsAndTags(d).length > 0)) return true;
    }
  }
  return false;
}

function undocumentedPublicMembers(): string[] {
  const checker = program.getTypeChecker();
  const missing = new Set<string>();
  for (const entry of ENTRIES) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      for (const decl of symbol.declarations ?? []) {
        if (!ts.isClassDeclaration(decl) && !ts.isInterfaceDeclaration(decl)) continue;
        // Overloads and get/set pairs share one name: a comment on any of them documents it.
        const documented = new Map<string, boolean>();
        for (const member of decl.members) {
          const mods = ts.canHaveModifiers(member) ? ts.getModifiers(member) ?? [] : [];
          if (mods.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
          if (mods.some((m) => m.kind === ts.SyntaxKind.OverrideKeyword)) continue; // documented on the base
          if (ts.isConstructorDeclaration(member) || ts.isIndexSignatureDeclaration(member)) continue;
          const name = member.name && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name)) ? member.name.text : null;
          if (name === null) continue;
          const own = ts.getJSDocCommentsAndTags(member).length > 0;
          documented.set(name, (documented.get(name) ?? false) || own);
        }
        for (const [name, own] of documented) {
          // Implementing a documented abstract or interface member (without `override`) reads its comment there.
          if (own || inheritsDoc(checker, decl, name)) continue;
          missing.add(`${decl.name?.text}.${name} (${path.relative(ROOT, decl.getSourceFile().fileName)})`);
        }
      }
    }
  }
  return [...missing].sort();
}

function anyInDeclarations(): { hits: string[]; files: number } {
  const hits: string[] = [];
  let files = 0;
  const emitted = program.emit(undefined, (fileName, text) => {
    if (!fileName.endsWith('.d.ts') || !fileName.includes('/packages/')) return;
    files++;
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    code.split('\n').forEach((line, i) => {
      if (/\bany\b/.test(line)) hits.push(`${path.relative(ROOT, fileName)}:${i + 1}: ${line.trim()}`);
    });
  });
  if (emitted.emitSkipped) hits.push('declaration emit failed: ' + emitted.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; '));
  return { hits, files };
}

test('every export of the public entry points has a doc comment', () => {
  const missing = undocumentedExports();
  if (missing.length > 0) console.log(`exports without a doc comment:\n${missing.join('\n')}`);
  expect(missing).toEqual([]);
}, 120_000);

test('no `any` in the emitted declarations of core, ops and nn', () => {
  const { hits, files } = anyInDeclarations();
  expect(files).toBeGreaterThan(100); // the scan saw the whole public surface
  if (hits.length > 0) console.log(hits.join('\n'));
  expect(hits).toEqual([]);
}, 120_000);

test('every public member of an exported class or interface has a doc comment', () => {
  const missing = undocumentedPublicMembers();
  if (missing.length > 0) console.log(`${missing.length} public members without a doc comment:\n${missing.join('\n')}`);
  expect(missing).toEqual([]);
}, 120_000);
