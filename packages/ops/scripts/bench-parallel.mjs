// Measures the worker pool (src/parallel, enableWorkerPool from @tsgrad/ops/node) against one
// thread: float32 GEMM GFLOPS on square sizes (small ones too, to find the size gate) and on the
// matmul shapes of training the tiny GPT, and causal fused attention forward + backward. Runs
// the built dist, so build first:
//   npx turbo run build --filter=@tsgrad/ops && node packages/ops/scripts/bench-parallel.mjs
//     [--threads T, default 2] [--seconds S per measurement, default 0.2] [--rounds R, default 3]
//     [--no-relaxed] [--quick]
// Every case runs single-threaded and pooled in turn, R rounds interleaved, and the best of the
// rounds is kept: on a shared machine a neighbour's burst then spoils one round, not the table.
// The pool runs with its size gates at 0, so small sizes show where the pool stops paying; the
// load average before and after is printed because the numbers mean little without it.
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { attentionBackward, attentionForward } from '../dist/esm/kernels/attention.js';
import { gemm, gemmBackend } from '../dist/esm/kernels/gemm.js';
import { disableWorkerPool, enableWorkerPool } from '../dist/esm/node/index.js';
import { parallelBackend, setParallelBackend } from '../dist/esm/parallel/parallel-backend.js';
import { bestGflops, problem, random } from './bench-helpers.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const threads = option('--threads', 2);
const seconds = option('--seconds', 0.2);
const rounds = option('--rounds', 3);
const quick = argv.includes('--quick');
if (!argv.includes('--no-relaxed')) setFlagsFromString('--experimental-wasm-relaxed-simd');

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const loadBefore = load();

/** Best fwd+bwd milliseconds of causal attention (B, H, T, d) over `seconds` (at least 3 runs). */
function attentionMs([B, H, T, d]) {
  const args = {
    batch: B, headsQ: H, headsKv: H, lenQ: T, lenKv: T, dim: d, dimV: d,
    q: random(B * H * T * d, 1), k: random(B * H * T * d, 2), v: random(B * H * T * d, 3),
    scale: 1 / Math.sqrt(d), causal: true, dropoutP: 0, dropoutSeed: 0,
  };
  const dOut = random(B * H * T * d, 4);
  const step = () => {
    const { out, lse } = attentionForward(args);
    attentionBackward(args, out, lse, dOut, { wantMaskGrad: false });
  };
  step();
  let best = Infinity;
  const until = performance.now() + seconds * 1000;
  for (let r = 0; r < 3 || performance.now() < until; r++) {
    const start = performance.now();
    step();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const squares = quick ? [64, 128, 256, 512, 1024] : [32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024];
const gemmCases = [
  ...squares.map((s) => [`square ${s}`, { m: s, n: s, k: s }]),
  ['X·W    (1024x64)·(64x256)', { m: 1024, n: 256, k: 64 }],
  ['X·W    (1024x64)·(64x64)', { m: 1024, n: 64, k: 64 }],
  ['dY·Wᵀ  (1024x256)·(256x64)ᵀ', { m: 1024, n: 64, k: 256, transB: true }],
  ['Xᵀ·dY  (1024x64)ᵀ·(1024x256)', { m: 64, n: 256, k: 1024, transA: true }],
  ['Q·Kᵀ   64 x (64x16)·(64x16)ᵀ', { m: 64, n: 64, k: 16, batch: 64, transB: true }],
  ['P·V    64 x (64x64)·(64x16)', { m: 64, n: 16, k: 64, batch: 64 }],
];
const attentionCases = [[4, 4, 128, 32], [2, 8, 512, 64]];

await enableWorkerPool({ threads, minGemmMacs: 0, minAttentionMacs: 0 });
const pool = parallelBackend();
const problems = gemmCases.map(([, shape]) => problem(shape));
const gemmBest = gemmCases.map(() => [0, 0]);
const attentionBest = attentionCases.map(() => [Infinity, Infinity]);
for (let round = 0; round < rounds; round++) {
  problems.forEach((g, ci) => {
    [null, pool].forEach((backend, bi) => {
      setParallelBackend(backend);
      gemmBest[ci][bi] = Math.max(gemmBest[ci][bi], bestGflops(gemm, g, seconds));
    });
  });
  attentionCases.forEach((shape, ci) => {
    [null, pool].forEach((backend, bi) => {
      setParallelBackend(backend);
      attentionBest[ci][bi] = Math.min(attentionBest[ci][bi], attentionMs(shape));
    });
  });
}
await disableWorkerPool();

console.log(`float32 on ${gemmBackend()}, Node ${process.version}, pool of ${threads} threads (gates off); ` +
  `best of ${rounds} rounds of ${seconds}s`);
console.log(`load average (1, 5, 15 min): before ${loadBefore}, after ${load()}`);
console.log(['GEMM'.padEnd(32), '1 thread GFLOPS'.padStart(17), 'pool GFLOPS'.padStart(13), 'speed-up'.padStart(10)].join(''));
gemmCases.forEach(([label], ci) => {
  const [single, pooled] = gemmBest[ci];
  console.log([label.padEnd(32), single.toFixed(1).padStart(17), pooled.toFixed(1).padStart(13),
    `${(pooled / single).toFixed(2)}x`.padStart(10)].join(''));
});
console.log(['causal attention fwd+bwd'.padEnd(32), '1 thread ms'.padStart(17), 'pool ms'.padStart(13), 'speed-up'.padStart(10)].join(''));
attentionCases.forEach((shape, ci) => {
  const [single, pooled] = attentionBest[ci];
  console.log([`(B,H,T,d)=(${shape})`.padEnd(32), single.toFixed(2).padStart(17), pooled.toFixed(2).padStart(13),
    `${(single / pooled).toFixed(2)}x`.padStart(10)].join(''));
});
