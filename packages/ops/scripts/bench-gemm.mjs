// Prints float32 GEMM throughput (GFLOPS, best of repeated timed runs) for every backend on
// square sizes and on the matmul shapes of training a tiny transformer. Runs the built dist, so
// build first:
//   npm run build -w @tsgrad/ops && node packages/ops/scripts/bench-gemm.mjs [--tiny] [--no-relaxed]
//     [--seconds S per measurement, default 0.25] [--rounds R, default 3]
// Every case is measured R times, interleaved, and the best is kept: on a shared machine a
// neighbour's burst then spoils one round, not the table.
// Node 20 has relaxed SIMD behind a flag; this script turns it on (Node-only, via node:v8) so the
// FMA build can be measured too, and gemm() then picks it; --no-relaxed measures gemm() as plain
// Node 20 runs it.
import { setFlagsFromString } from 'node:v8';
import { gemm, gemmBackend } from '../dist/esm/kernels/gemm.js';
import { gemmBlockedRows } from '../dist/esm/kernels/gemm-blocked.js';
import { checkGemmArgs } from '../dist/esm/kernels/gemm-types.js';
import { gemmWasm, loadWasmKernel } from '../dist/esm/kernels/gemm-wasm.js';
import { bestGflops, problem } from './bench-helpers.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const seconds = option('--seconds', 0.25);
const rounds = option('--rounds', 3);
const tiny = args.includes('--tiny');

if (!args.includes('--no-relaxed')) setFlagsFromString('--experimental-wasm-relaxed-simd');
const defaultBackend = gemmBackend();

function wasmRunner(variant) {
  const kernel = loadWasmKernel(variant);
  if (kernel === null) return null;
  return (g) => gemmWasm(kernel, g, checkGemmArgs(g));
}

const runners = {
  typescript: (g) => {
    const batch = checkGemmArgs(g);
    for (let t = 0; t < batch; t++) gemmBlockedRows(g, t, 0, g.m);
  },
  'wasm-simd': wasmRunner('simd'),
  'wasm-relaxed-simd': wasmRunner('relaxed-simd'),
  'gemm()': gemm,
};

const cases = tiny
  ? [4, 8, 12, 16, 20, 24, 32, 48].map((s) => [`${s}x${s}x${s}`, { m: s, n: s, k: s }])
  : [
    ...[64, 128, 256, 512, 1024].map((s) => [`square ${s}`, { m: s, n: s, k: s }]),
    ['X·W    (1024x64)·(64x256)', { m: 1024, n: 256, k: 64 }],
    ['dY·Wᵀ  (1024x256)·(256x64)ᵀ', { m: 1024, n: 64, k: 256, transB: true }],
    ['Xᵀ·dY  (1024x64)ᵀ·(1024x256)', { m: 64, n: 256, k: 1024, transA: true }],
    ['Q·Kᵀ   16 x (64x16)·(64x16)ᵀ', { m: 64, n: 64, k: 16, batch: 16, transB: true }],
    ['P·V    16 x (64x64)·(64x16)', { m: 64, n: 16, k: 64, batch: 16 }],
    ['dP=dO·Vᵀ 16 x (64x16)·(64x16)ᵀ', { m: 64, n: 64, k: 16, batch: 16, transB: true }],
    ['dV=Pᵀ·dO 16 x (64x64)ᵀ·(64x16)', { m: 64, n: 16, k: 64, batch: 16, transA: true }],
  ];

const names = Object.keys(runners).filter((name) => runners[name] !== null);
const problems = cases.map(([, shape]) => problem(shape));
const best = cases.map(() => names.map(() => 0));
for (let round = 0; round < rounds; round++) {
  cases.forEach(([, shape], ci) => {
    names.forEach((name, ni) => {
      if (name === 'typescript' && shape.m * shape.n * shape.k > 2 ** 28) return;
      best[ci][ni] = Math.max(best[ci][ni], bestGflops(runners[name], problems[ci], seconds));
    });
  });
}
console.log(`float32 GEMM, GFLOPS (best of ${rounds} rounds of ${seconds}s), Node ${process.version}; gemm() picks ${defaultBackend}`);
console.log(['case'.padEnd(32), ...names.map((n) => n.padStart(22))].join(''));
cases.forEach(([label], ci) => {
  const row = best[ci].map((v) => (v > 0 ? v.toFixed(1) : '-').padStart(22));
  console.log([label.padEnd(32), ...row].join(''));
});
