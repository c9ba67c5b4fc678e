// Where the tiny GPT's train step spends its time, op by op: self wall time of every op's
// forward and backward (core's setOpTimer; the spans of ops called inside an op subtracted),
// per step, against the built dist (build first: `npm run build`).
//   node packages/nn/scripts/op-times.mjs [--steps 100] [--warmup 15] [--relaxed-simd]
// The timer costs two performance.now() calls per op, well under 1% of the step here.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '15' },
    'relaxed-simd': { type: 'boolean', default: false },
  },
});
if (values['relaxed-simd']) {
  const { enableRelaxedSimd } = await import('../../ops/dist/esm/node/relaxed-simd.js');
  enableRelaxedSimd();
}
const { setOpTimer } = await import('@tsgrad/core');
const { clipGradNorm } = await import('@tsgrad/nn');
const { tinyGptBatch, tinyGptTrainer } = await import('./tiny-gpt.mjs');

const { model, params, optimizer } = tinyGptTrainer();
const { idx, targets } = tinyGptBatch();
const phases = { forward: 0, backward: 0, clip: 0, optimizer: 0 };
function step() {
  let t = performance.now();
  const { loss } = model.forward(idx, targets);
  loss.item();
  let u = performance.now();
  phases.forward += u - t;
  optimizer.zeroGrad();
  loss.backward();
  t = performance.now();
  phases.backward += t - u;
  clipGradNorm(params, 1.0);
  u = performance.now();
  phases.clip += u - t;
  optimizer.step();
  phases.optimizer += performance.now() - u;
}

for (let i = 0; i < Number(values.warmup); i++) step();
for (const k of Object.keys(phases)) phases[k] = 0;
// Spans end in order; an open span's children end before it, so a stack of child totals
// gives each span its self time.
const self = new Map();
const open = [];
setOpTimer((op, phase, start, end) => {
  let inner = 0;
  while (open.length > 0 && open[open.length - 1].start >= start) inner += open.pop().span;
  const key = `${op} ${phase}`;
  const entry = self.get(key) ?? { ms: 0, calls: 0 };
  entry.ms += end - start - inner;
  entry.calls++;
  self.set(key, entry);
  open.push({ start, span: end - start });
});
const steps = Number(values.steps);
const t0 = performance.now();
for (let i = 0; i < steps; i++) {
  step();
  open.length = 0;
}
const stepMs = (performance.now() - t0) / steps;
setOpTimer(null);

const rows = [...self].sort((a, b) => b[1].ms - a[1].ms);
const inOps = rows.reduce((s, [, e]) => s + e.ms, 0) / steps;
console.log(`tiny GPT train step, ${steps} steps after ${values.warmup} warm-up, Node ${process.version}: ${stepMs.toFixed(2)} ms per step`);
console.log(Object.entries(phases).map(([k, v]) => `${k} ${(v / steps).toFixed(2)} ms`).join(', '));
console.log(`in ops ${inOps.toFixed(2)} ms per step; outside them (engine, optimizer, clipping, modules) ${(stepMs - inOps).toFixed(2)} ms`);
console.log('self ms/step  calls/step  op');
for (const [key, e] of rows) {
  console.log(`${(e.ms / steps).toFixed(3).padStart(12)}  ${(e.calls / steps).toFixed(0).padStart(10)}  ${key}`);
}
