// Self time per function from a V8 .cpuprofile (as written by `node --cpu-prof`).
//   node packages/nn/scripts/cpuprofile-top.mjs PROFILE.cpuprofile [--top 25]
// Functions are keyed by name + file:line, so two closures with one name stay apart.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
if (positionals.length !== 1) throw new Error('usage: cpuprofile-top.mjs PROFILE.cpuprofile [--top N]');
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
// timeDeltas[i] is the time before samples[i]; attribute it to that sample's node.
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const totals = new Map();
let all = 0;
for (const [id, us] of selfUs) {
  const { callFrame: f } = byId.get(id);
  const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : '';
  const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
  totals.set(key, (totals.get(key) ?? 0) + us);
  all += us;
}
const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
console.log(`total sampled ${(all / 1000).toFixed(0)} ms`);
for (const [key, us] of rows) {
  console.log(`${((100 * us) / all).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
}
