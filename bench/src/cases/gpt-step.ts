import { makeGptSpec, TINY_GPT } from '../gpt-weights.js';
import { setupAll, timeInterleaved, type Prepared } from '../harness.js';
import type { GptTrainer, Runner } from '../peers/peer.js';
import { BASELINE, fmt } from '../report.js';
import type { BenchCase } from './case.js';

/** First losses must agree this closely (relative) across libraries: same weights, same batch. */
export const FIRST_LOSS_RTOL = 1e-4;
/** Later losses drift apart by float32 rounding through the optimizer; beyond this, warn. */
const LAST_LOSS_RTOL = 1e-3;

/** Set by the GPT benchmark when first losses disagree: main exits non-zero. */
export const lossCheck = { failed: false };

interface Tracked {
  readonly trainer: GptTrainer;
  readonly losses: number[];
}

// The first step runs at setup, so its loss can be checked before anything is timed.
async function setupTrainer(trainer: GptTrainer, losses: number[]): Promise<Runner> {
  try {
    await trainer.prepare?.();
    losses.push(await trainer.step());
  } finally {
    await trainer.release?.();
  }
  return {
    prepare: trainer.prepare?.bind(trainer),
    run: async () => {
      losses.push(await trainer.step());
    },
    release: trainer.release?.bind(trainer),
    dispose: () => trainer.dispose(),
  };
}

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
}

/** A tiny GPT's full train step (forward, loss, backward, AdamW), median ms. */
export const gptStep: BenchCase = {
  name: 'gpt-step',
  summary: 'tiny GPT train step (vocab 65, dModel 64, 4 heads, 2 layers, T 64, batch 16, AdamW) (ms)',
  async run(ctx) {
    const batch = 16;
    const spec = makeGptSpec(4242, batch);
    ctx.log('gpt-step: setup and first step');
    const tracked = new Map<string, Tracked>();
    const prepared = await setupAll(
      ctx.peers.map((peer) => ({
        lib: peer.name,
        setup: async () => {
          const trainer = await peer.gptTrainer(spec);
          const losses: number[] = [];
          tracked.set(peer.name, { trainer, losses });
          return setupTrainer(trainer, losses);
        },
      })),
    );

    const first = new Map<string, number>();
    for (const p of prepared) if (!('error' in p)) first.set(p.lib, tracked.get(p.lib)!.losses[0]);
    const refLib = first.has(BASELINE) ? BASELINE : [...first.keys()][0];
    const ref = refLib === undefined ? NaN : first.get(refLib)!;
    const checked: Prepared[] = prepared.map((p) => {
      if ('error' in p) return p;
      const loss = first.get(p.lib)!;
      if (Number.isFinite(loss) && relDiff(loss, ref) <= FIRST_LOSS_RTOL) return p;
      lossCheck.failed = true;
      p.runner.dispose();
      return { lib: p.lib, error: `first loss ${loss} differs from ${refLib}'s ${ref} (rtol ${FIRST_LOSS_RTOL})` };
    });

    ctx.log('gpt-step: timing');
    // Every library takes the same number of steps, so their last losses are comparable too.
    const timings = await timeInterleaved(checked, {
      ...ctx.timing,
      singleRunSamples: true,
      maxRowMs: Infinity,
      minReps: ctx.timing.reps,
    });

    const firstLine = [...first].map(([lib, l]) => `${lib} ${l.toFixed(6)}`).join(', ');
    const lastLine = [...tracked]
      .filter(([lib]) => timings.find((t) => t.lib === lib)?.ok)
      .map(([lib, t]) => {
        const last = t.losses[t.losses.length - 1];
        const refLast = tracked.get(refLib ?? '')?.losses.at(-1) ?? last;
        const warn = relDiff(last, refLast) > LAST_LOSS_RTOL ? ' (drifted!)' : '';
        return `${lib} ${last.toFixed(6)}${warn}`;
      })
      .join(', ');
    const steps = Math.max(0, ...[...tracked.values()].map((t) => t.losses.length));
    return {
      kind: 'timing',
      name: 'gpt-step',
      title: 'Tiny GPT train step: forward, loss, backward, AdamW (median ms, lower is better)',
      unit: 'ms',
      rows: [
        {
          label: `V=${TINY_GPT.vocabSize} D=${TINY_GPT.dModel} H=${TINY_GPT.numHeads} L=${TINY_GPT.numLayers} T=${TINY_GPT.contextLength} B=${batch}`,
          timings,
        },
      ],
      notes: [
        `First losses (same weights, same batch; ln 65 = ${fmt(Math.log(65))}): ${firstLine || 'none'}.`,
        `All within rtol ${FIRST_LOSS_RTOL} of ${refLib ?? 'nobody'}: ${lossCheck.failed ? 'NO' : 'yes'}.`,
        `Losses at step ${steps} (same batch every step): ${lastLine || 'none'}.`,
      ],
    };
  },
};

