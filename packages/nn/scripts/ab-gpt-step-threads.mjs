// The tiny GPT train step on one thread and on the worker pool, alternating step by step in one
// process (two identical models), so both see the same machine state; against the built dist.
//   node packages/nn/scripts/ab-gpt-step-threads.mjs [--steps 160] [--threads 2] [--gap-ms 0]
// --gap-ms runs that much unrelated JavaScript before each step, as a benchmark harness does
// between libraries (the pool's worker then falls asleep). Prints p25 and median ms per step.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '160' },
    threads: { type: 'string', default: '2' },
    'gap-ms': { type: 'string', default: '0' },
  },
});
const { enableRelaxedSimd } = await import('../../ops/dist/esm/node/relaxed-simd.js');
enableRelaxedSimd();
const { enableWorkerPool } = await import('../../ops/dist/esm/node/worker-pool.js');
await enableWorkerPool({ threads: Number(values.threads) });
const { parallelBackend, setParallelBackend } = await import('@tsgrad/ops');
const pool = parallelBackend();
setParallelBackend(null);
const { tinyGptBatch, tinyGptTrainer } = await import('./tiny-gpt.mjs');

const trainers = [tinyGptTrainer(), tinyGptTrainer()];
const { idx, targets } = tinyGptBatch();
const gapMs = Number(values['gap-ms']);
const busy = (ms) => {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  return x;
};

const times = [[], []];
const warmup = 20;
for (let s = 0; s < warmup + Number(values.steps); s++) {
  const pooled = s % 2;
  const { model, optimizer } = trainers[pooled];
  busy(gapMs);
  setParallelBackend(pooled ? pool : null);
  const t0 = performance.now();
  const { loss } = model.forward(idx, targets);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  const dt = performance.now() - t0;
  setParallelBackend(null);
  if (s >= warmup) times[pooled].push(dt);
}
const summary = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p25 ${s[Math.floor(s.length / 4)].toFixed(1)} ms, median ${s[s.length >> 1].toFixed(1)} ms`;
};
console.log(`tiny GPT step, ${values.steps} steps alternating, gap ${gapMs} ms, Node ${process.version}`);
console.log(`1 thread:  ${summary(times[0])}`);
console.log(`${values.threads} threads: ${summary(times[1])}`);
process.exit(0);
