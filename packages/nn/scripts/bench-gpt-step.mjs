// Tiny GPT train step benchmark against the built dist (build first: `npm run build`).
//   node packages/nn/scripts/bench-gpt-step.mjs [--steps 40] [--warmup 10] [--relaxed-simd]
//     [--threads N [--pool '{"spinMicros":300}']]
// Prints the median ms per step and per phase: forward (model + crossEntropy), backward
// (zeroGrad + backward), clip (clipGradNorm), optimizer (AdamW step), and the process CPU
// time per step. --relaxed-simd calls enableRelaxedSimd() first. Never run under jest:
// its instrumentation makes everything several times slower.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '40' },
    warmup: { type: 'string', default: '10' },
    'relaxed-simd': { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
    pool: { type: 'string', default: '{}' },
  },
});
const steps = Number(values.steps);
const warmup = Number(values.warmup);

if (values['relaxed-simd']) {
  // The file itself rather than '@tsgrad/ops/node', which needs that entry in ops' exports map.
  const { enableRelaxedSimd } = await import('../../ops/dist/esm/node/relaxed-simd.js');
  console.log(`relaxed SIMD: ${JSON.stringify(enableRelaxedSimd())}`);
}
if (Number(values.threads) > 1) {
  // After enableRelaxedSimd: the pool runs the kernel builds in use when it starts.
  const { enableWorkerPool } = await import('../../ops/dist/esm/node/worker-pool.js');
  const options = { ...JSON.parse(values.pool), threads: Number(values.threads) };
  console.log(`worker pool: ${await enableWorkerPool(options)} threads, ${values.pool}`);
}
const { clipGradNorm } = await import('@tsgrad/nn');
const { tinyGptBatch, tinyGptTrainer } = await import('./tiny-gpt.mjs');

const { model, params, optimizer } = tinyGptTrainer();
const { idx, targets } = tinyGptBatch();

const loadBefore = loadavg();
const phases = { forward: [], backward: [], clip: [], optimizer: [], total: [] };
// CPU time of the whole process per step: less sensitive than wall time to neighbours taking
// the cores, though it also counts V8's background threads (GC, compilation).
const cpuMs = [];
const losses = [];
for (let s = 0; s < warmup + steps; s++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { loss } = model.forward(idx, targets);
  const lossValue = loss.item();
  const t1 = performance.now();
  optimizer.zeroGrad();
  loss.backward();
  const t2 = performance.now();
  clipGradNorm(params, 1.0);
  const t3 = performance.now();
  optimizer.step();
  const t4 = performance.now();
  const c1 = process.cpuUsage(c0);
  losses.push(lossValue);
  if (s < warmup) continue;
  cpuMs.push((c1.user + c1.system) / 1000);
  phases.forward.push(t1 - t0);
  phases.backward.push(t2 - t1);
  phases.clip.push(t3 - t2);
  phases.optimizer.push(t4 - t3);
  phases.total.push(t4 - t0);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => x.toFixed(2).padStart(7);
console.log(`tiny GPT train step, ${steps} steps after ${warmup} warm-up, Node ${process.version}`);
const fmtLoad = (l) => l.map((x) => x.toFixed(2)).join(' ');
console.log(`load average (1/5/15 min) before: ${fmtLoad(loadBefore)}, after: ${fmtLoad(loadavg())}`);
for (const [name, xs] of Object.entries(phases)) {
  const share = name === 'total' ? '' : `  ${((100 * median(xs)) / median(phases.total)).toFixed(0).padStart(3)}%`;
  console.log(`${name.padEnd(10)} median ${fmt(median(xs))} ms  min ${fmt(Math.min(...xs))} ms${share}`);
}
console.log(`cpu time median ${fmt(median(cpuMs))} ms  min ${fmt(Math.min(...cpuMs))} ms per step (all threads)`);
console.log(`loss: first ${losses[0].toFixed(5)}, last ${losses[losses.length - 1].toFixed(5)}`);
