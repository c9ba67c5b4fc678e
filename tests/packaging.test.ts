/**
 * Packs @tsgrad/core, ops and nn with `npm pack`, installs the tarballs into fresh projects
 * (one ES module, one CommonJS), compiles a program against them with `tsc --strict` and runs
 * it. Needs the packages built (`npm test` builds first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const packages = ['core', 'ops', 'nn'];
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

const program = (importLine: string) => `${importLine}

const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
const y = matmul(x, x.mT).sum();
y.backward();
const attn = new MultiHeadSelfAttention({ dModel: 8, numHeads: 2 });
const out: Tensor = attn.forward(randn([1, 3, 8], { generator: new Generator(0) }));
console.log(JSON.stringify({ y: y.item(), grad: x.grad?.toArray(), out: out.shape, node: typeof saveModule }));
`;

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('packaging', () => {
  let work: string;
  let tarballs: string[];

  beforeAll(() => {
    for (const p of packages) {
      if (!existsSync(join(root, 'packages', p, 'dist', 'cjs', 'index.js'))) {
        throw new Error(`packaging: packages/${p} is not built; run npm run build first`);
      }
    }
    work = mkdtempSync(join(tmpdir(), 'tsgrad-pack-'));
    for (const p of packages) run('npm', ['pack', '--silent', '--pack-destination', work], join(root, 'packages', p));
    tarballs = readdirSync(work).filter((f) => f.endsWith('.tgz')).map((f) => join(work, f));
    expect(tarballs).toHaveLength(3);
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const expected = { y: 1 * 1 + 2 * 2 + 2 * (1 * 3 + 2 * 4) + 3 * 3 + 4 * 4, grad: [[8, 12], [8, 12]], out: [1, 3, 8], node: 'function' };

  test.each([
    ['esm', 'module', 'NodeNext', "import { tensor, randn, Generator, type Tensor } from '@tsgrad/core';\nimport { matmul } from '@tsgrad/ops';\nimport { MultiHeadSelfAttention } from '@tsgrad/nn';\nimport { saveModule } from '@tsgrad/nn/node';"],
    ['cjs', 'commonjs', 'CommonJS', "import { tensor, randn, Generator, type Tensor } from '@tsgrad/core';\nimport { matmul } from '@tsgrad/ops';\nimport { MultiHeadSelfAttention } from '@tsgrad/nn';\nimport { saveModule } from '@tsgrad/nn/node';"],
  ])('a %s TypeScript project installs, compiles with --strict and runs', (kind, type, module, imports) => {
    const dir = join(work, kind);
    run('mkdir', ['-p', dir], work);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${kind}`, private: true, type }));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', '@types/node@20', ...tarballs], dir);
    writeFileSync(join(dir, 'main.ts'), program(imports));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          module,
          moduleResolution: module === 'NodeNext' ? 'NodeNext' : 'Node10',
          lib: ['ES2022', 'DOM'],
          types: ['node'],
          outDir: 'out',
        },
        files: ['main.ts'],
      }),
    );
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
    const output = JSON.parse(run(process.execPath, ['out/main.js'], dir));
    expect(output).toEqual(expected);
  }, 180_000);
});
