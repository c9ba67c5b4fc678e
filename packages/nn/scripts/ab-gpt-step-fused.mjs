// The tiny GPT train step with its MLPs as `linearGelu` (fused, what MLP.forward runs) and as
// a linear op followed by a gelu op, alternating step by step in one process (two identical
// models), so both see the same machine state; against the built dist. Prints p25 and median
// ms per step and both models' losses, which must agree.
//   node packages/nn/scripts/ab-gpt-step-fused.mjs [--steps 200] [--relaxed-simd]
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '200' },
    'relaxed-simd': { type: 'boolean', default: false },
  },
});
if (values['relaxed-simd']) {
  const { enableRelaxedSimd } = await import('../../ops/dist/esm/node/relaxed-simd.js');
  enableRelaxedSimd();
}
const { gelu } = await import('@tsgrad/ops');
const { MLP, clipGradNorm } = await import('@tsgrad/nn');
const { tinyGptBatch, tinyGptTrainer } = await import('./tiny-gpt.mjs');

const trainers = [tinyGptTrainer(), tinyGptTrainer()];
for (const module of trainers[1].model.modules()) {
  if (module instanceof MLP) module.forward = (x) => module.fc2.forward(gelu(module.fc1.forward(x)));
}
const { idx, targets } = tinyGptBatch();

const times = [[], []];
const losses = [[], []];
const warmup = 20;
for (let s = 0; s < warmup + Number(values.steps); s++) {
  // Alternate which model goes first, so neither always runs right after the other.
  for (const which of s % 2 ? [0, 1] : [1, 0]) {
    const { model, params, optimizer } = trainers[which];
    const t0 = performance.now();
    const { loss } = model.forward(idx, targets);
    losses[which].push(loss.item());
    optimizer.zeroGrad();
    loss.backward();
    clipGradNorm(params, 1.0);
    optimizer.step();
    if (s >= warmup) times[which].push(performance.now() - t0);
  }
}
const summary = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p25 ${s[Math.floor(s.length / 4)].toFixed(2)} ms, median ${s[s.length >> 1].toFixed(2)} ms`;
};
const agree = losses[0].every((l, i) => l === losses[1][i]);
console.log(`tiny GPT step, ${values.steps} steps each, alternating, Node ${process.version}`);
console.log(`linearGelu (fused): ${summary(times[0])}`);
console.log(`linear + gelu ops:  ${summary(times[1])}`);
console.log(`losses ${agree ? 'identical' : 'DIFFER'} at every step; last ${losses[0].at(-1)} and ${losses[1].at(-1)}`);
