import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { attention } from './cases/attention.js';
import { attentionMemory } from './cases/attention-memory.js';
import type { BenchCase } from './cases/case.js';
import { gptStep, lossCheck } from './cases/gpt-step.js';
import { squareMatmul } from './cases/square-matmul.js';
import { trainingMatmul } from './cases/training-matmul.js';
import { errorMessage, type TimingOptions } from './harness.js';
import type { Peer } from './peers/peer.js';
import { ALL_LIBS, loadPeers, type LibName } from './peers/registry.js';
import { renderSection, writeResults, type Section } from './report.js';

const CASES: readonly BenchCase[] = [squareMatmul, trainingMatmul, attention, gptStep, attentionMemory];

// Full: ~3 minutes on a quiet 2-core machine. Quick: under a minute.
const FULL: TimingOptions = { warmup: 2, warmupMs: 300, reps: 7, minReps: 3, minSampleMs: 30, maxRowMs: 5000, rewarmBelowMs: 1000 };
// Quick mode skips the untimed run before each sample: it is a smoke test, kept under a minute.
const QUICK: TimingOptions = { warmup: 1, warmupMs: 200, reps: 3, minReps: 2, minSampleMs: 10, maxRowMs: 1200, rewarmBelowMs: 0 };

const USAGE = `Usage: npm run bench [-- options]

  --quick          fewer sizes and repetitions (under a minute)
  --only <name>    run one benchmark: ${CASES.map((c) => c.name).join(', ')}
  --libs <a,b>     libraries to run (default all): ${ALL_LIBS.join(', ')}
  --reps <n>       timed samples per library per row (default ${FULL.reps}, quick ${QUICK.reps})
  --out <dir>      where the JSON results go (default bench/results)
  --no-relaxed-simd
                   leave WebAssembly relaxed SIMD off (default: on where the runtime has it,
                   for tsgrad's FMA kernels; the peers see the same runtime)
  -h, --help       this text

Benchmarks:
${CASES.map((c) => `  ${c.name.padEnd(18)}${c.summary}`).join('\n')}
`;

function parseLibs(text: string | undefined): LibName[] {
  if (text === undefined) return [...ALL_LIBS];
  const names = text.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(ALL_LIBS as readonly string[]).includes(n)) throw new Error(`--libs: unknown library '${n}' (know ${ALL_LIBS.join(', ')})`);
  }
  return names as LibName[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      libs: { type: 'string' },
      reps: { type: 'string' },
      out: { type: 'string' },
      'no-relaxed-simd': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const cases = values.only === undefined ? CASES : CASES.filter((c) => c.name === values.only);
  if (cases.length === 0) throw new Error(`--only: unknown benchmark '${values.only}' (know ${CASES.map((c) => c.name).join(', ')})`);
  const base = values.quick ? QUICK : FULL;
  const reps = values.reps === undefined ? base.reps : Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps: expected a positive integer, got '${values.reps}'`);
  const timing: TimingOptions = { ...base, reps, minReps: Math.min(base.minReps, reps) };

  const relaxedSimd = !values['no-relaxed-simd'];
  const requested = parseLibs(values.libs);
  const startedAt = new Date();
  const loadStart = loadavg();
  // Before any library loads: the relaxed-SIMD flag must be set before anyone compiles WebAssembly.
  const kernels = tsgradKernels(relaxedSimd);
  const peers = await loadPeers(requested);
  try {
    await runAll({ quick: values.quick, cases, timing, peers, relaxedSimd, kernels, startedAt, loadStart, out: values.out });
  } finally {
    // Every sample stops the pool when it ends; this covers a run cut short by an error.
    if (requested.includes('tsgrad-2t')) await stopTsgradPool();
  }
}

/** Everything one run needs, settled before any benchmark starts. */
interface RunSettings {
  readonly quick: boolean;
  readonly cases: readonly BenchCase[];
  readonly timing: TimingOptions;
  readonly peers: readonly Peer[];
  readonly relaxedSimd: boolean;
  /** Which kernel builds tsgrad runs, or why that is unknown. */
  readonly kernels: string;
  readonly startedAt: Date;
  readonly loadStart: readonly number[];
  readonly out: string | undefined;
}

/** The relaxed-SIMD switch and tsgrad's kernel builds; a tsgrad that fails to load fails only its columns. */
function tsgradKernels(relaxed: boolean): string {
  try {
    return (require('./peers/tsgrad-kernels.js') as typeof import('./peers/tsgrad-kernels.js')).selectTsgradKernels(relaxed);
  } catch (e) {
    return `unknown (${errorMessage(e)})`;
  }
}

async function stopTsgradPool(): Promise<void> {
  try {
    await (require('./peers/tsgrad-threads.js') as typeof import('./peers/tsgrad-threads.js')).stopTsgradPool();
  } catch (e) {
    log(`could not stop tsgrad's worker pool: ${errorMessage(e)}`);
  }
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function runAll(r: RunSettings): Promise<void> {
  const libs = r.peers.map((p) => p.name);
  const cpu = cpus();
  const machine = `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${fmtGiB(totalmem())} RAM, node ${process.version}`;
  const relaxed = r.relaxedSimd
    ? 'WebAssembly relaxed SIMD on (enableRelaxedSimd(); --no-relaxed-simd to compare)'
    : 'WebAssembly relaxed SIMD off (--no-relaxed-simd)';
  const header = [
    `## tsgrad benchmarks (${r.quick ? 'quick' : 'full'})`,
    '',
    `${r.startedAt.toISOString()} · ${machine} · load average at start ${fmtLoad(r.loadStart)}`,
    '',
    `${relaxed} · tsgrad kernels: ${r.kernels}`,
    '',
    ...r.peers.map((p) => `- ${p.name}: ${p.description}`),
    '',
    'Ratios `X ÷ Y` are X\'s time ÷ Y\'s time: above 1× Y is faster. Peers are compared with single-threaded tsgrad.',
  ];
  process.stdout.write(`${header.join('\n')}\n\n`);

  const sections: Section[] = [];
  for (const c of r.cases) {
    try {
      const s = await c.run({ peers: r.peers, quick: r.quick, timing: r.timing, log });
      sections.push(s);
      process.stdout.write(`${renderSection(s, libs)}\n\n`);
    } catch (e) {
      process.stdout.write(`### ${c.name}\n\nfailed: ${errorMessage(e)}\n\n`);
    }
  }
  const loadEnd = loadavg();
  process.stdout.write(`Load average at end: ${fmtLoad(loadEnd)}\n`);

  const dir = r.out ?? join(__dirname, '..', 'results');
  const file = writeResults(dir, r.startedAt, {
    startedAt: r.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    argv: process.argv.slice(2),
    machine,
    loadAverage: { start: r.loadStart, end: loadEnd },
    relaxedSimd: r.relaxedSimd,
    tsgradKernels: r.kernels,
    timing: r.timing,
    libraries: r.peers.map((p) => ({ name: p.name, description: p.description })),
    sections,
  });
  log(`results written to ${file} and latest.json`);
  if (lossCheck.failed) {
    log('FAILED: first GPT losses disagree across libraries (see the gpt-step notes)');
    process.exitCode = 1;
  }
}

function fmtLoad(load: readonly number[]): string {
  return load.map((x) => x.toFixed(2)).join(' ');
}

function fmtGiB(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(0)} GiB`;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${errorMessage(e)}\n`);
  process.exitCode = 1;
});
