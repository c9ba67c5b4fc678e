import { parseArgs } from 'node:util';
import { makeGptSpec } from './gpt-weights.js';
import { collectGarbage, median } from './harness.js';
import type { GptTrainer } from './peers/peer.js';
import { ALL_LIBS, loadPeers, type LibName } from './peers/registry.js';
import { selectTsgradKernels } from './peers/tsgrad-kernels.js';

// Why a library's GPT step reads slower next to other libraries than alone. Runs the GPT row's
// protocol by hand (per round, each library in turn: a collection, one untimed step, one timed
// step) and prints, per library, the median timed step and what happened during the timed
// steps: minor page faults, and CPU time spent by the process's other threads (V8's concurrent
// GC, compilers, tsgrad's pool worker), which competes with the step for the second core.
//   npm run build && node --expose-gc --harmony-iterator-helpers bench/dist/gpt-interference.js \
//     [--libs tsgrad,tfjs-wasm] [--rounds 15] [--warmup 2] [--no-gc]
// Compare `--libs tsgrad` (alone) with `--libs tsgrad,tfjs-wasm` or `--libs tsgrad,jax-js`;
// --no-gc leaves out the collection before each untimed step.

interface StepRecord {
  ms: number;
  faults: number;
  /** Process CPU time minus wall time during the step: other threads' work. */
  otherCpuMs: number;
}

async function recordStep(trainer: GptTrainer): Promise<StepRecord> {
  const faults0 = process.resourceUsage().minorPageFault;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await trainer.step();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, faults: process.resourceUsage().minorPageFault - faults0, otherCpuMs: (cpu.user + cpu.system) / 1000 - ms };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      libs: { type: 'string', default: 'tsgrad,tfjs-wasm' },
      rounds: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '2' },
      'no-gc': { type: 'boolean', default: false },
    },
  });
  const libs = values.libs.split(',') as LibName[];
  const unknown = libs.filter((l) => !(ALL_LIBS as readonly string[]).includes(l));
  if (unknown.length > 0) throw new Error(`gpt-interference: unknown --libs ${unknown.join(', ')}; known: ${ALL_LIBS.join(', ')}`);
  if (!(globalThis as { gc?: unknown }).gc) throw new Error('gpt-interference: run node with --expose-gc');
  selectTsgradKernels(true);
  const spec = makeGptSpec(4242, 16);
  const trainers: { lib: string; trainer: GptTrainer; timed: StepRecord[] }[] = [];
  for (const peer of await loadPeers(libs)) {
    const trainer = await peer.gptTrainer(spec);
    await trainer.prepare?.();
    for (let i = 0; i < Number(values.warmup) + 1; i++) await trainer.step();
    await trainer.release?.();
    trainers.push({ lib: peer.name, trainer, timed: [] });
  }
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const t of trainers) {
      await t.trainer.prepare?.();
      if (!values['no-gc']) collectGarbage();
      await t.trainer.step();
      t.timed.push(await recordStep(t.trainer));
      await t.trainer.release?.();
    }
  }
  for (const { lib, trainer, timed } of trainers) {
    const line = (key: keyof StepRecord): string => timed.map((r) => r[key].toFixed(0)).join(' ');
    console.log(`${lib}: median ${median(timed.map((r) => r.ms)).toFixed(1)} ms per timed step`);
    console.log(`  ms:                ${line('ms')}`);
    console.log(`  page faults:       ${line('faults')}`);
    console.log(`  other threads, ms: ${line('otherCpuMs')}`);
    trainer.dispose();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
