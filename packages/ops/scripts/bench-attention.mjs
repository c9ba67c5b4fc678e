// Times the fused attention kernels: causal forward + backward, single thread.
// Usage: node packages/ops/scripts/bench-attention.mjs [float32|float64] [reps] [--js] [--relaxed-simd]
//   --js            float32 on the plain JavaScript kernels instead of WebAssembly
//   --relaxed-simd  enable WebAssembly relaxed SIMD (FMA) in runtimes that keep it behind a flag
// Compiles src/kernels/attention*.ts with tsc into a temp folder first (no build needed).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { random as randomArray } from './bench-helpers.mjs';

const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const [dtype = 'float32', repsArg = '5'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const reps = Number(repsArg);
if (flags.includes('--relaxed-simd')) setFlagsFromString('--experimental-wasm-relaxed-simd');

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(join(tmpdir(), 'tsgrad-bench-attention-'));
const tsc = join(pkg, '..', '..', 'node_modules', '.bin', 'tsc');
execFileSync(tsc, [join(pkg, 'src/kernels/attention.ts'), '--outDir', out, '--target', 'ES2022',
  '--module', 'ES2022', '--moduleResolution', 'Bundler', '--strict', '--skipLibCheck', '--rootDir', join(pkg, 'src')], { stdio: 'inherit' });
writeFileSync(join(out, 'package.json'), '{"type":"module"}');
// The kernels import @tsgrad/core (built): resolve it from the repository's node_modules.
symlinkSync(join(pkg, '..', '..', 'node_modules'), join(out, 'node_modules'));
const kernels = await import(pathToFileURL(join(out, 'kernels', 'attention.js')).href);

const js = flags.includes('--js');
const forward = js ? kernels.attentionForwardJs : kernels.attentionForward;
const backward = js ? kernels.attentionBackwardJs : kernels.attentionBackward;
const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
let path = 'JavaScript';
if (Ctor === Float32Array && !js && kernels.attentionWasm() !== null) {
  path = kernels.attentionWasm() === kernels.loadAttentionWasm('relaxed-simd') ? 'WebAssembly relaxed SIMD' : 'WebAssembly SIMD';
}

const random = (n, seed) => randomArray(n, seed, Ctor);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

for (const [B, H, T, d] of [[4, 4, 128, 32], [16, 4, 64, 16], [2, 8, 512, 64]]) {
  const args = {
    batch: B, headsQ: H, headsKv: H, lenQ: T, lenKv: T, dim: d, dimV: d,
    q: random(B * H * T * d, 1), k: random(B * H * T * d, 2), v: random(B * H * T * d, 3),
    scale: 1 / Math.sqrt(d), causal: true, dropoutP: 0, dropoutSeed: 0,
  };
  const dOut = random(B * H * T * d, 4);
  const fwd = [];
  const bwd = [];
  for (let r = 0; r < reps + 2; r++) {
    const t0 = performance.now();
    const { out, lse } = forward(args);
    const t1 = performance.now();
    backward(args, out, lse, dOut, { wantMaskGrad: false });
    const t2 = performance.now();
    if (r >= 2) {
      fwd.push(t1 - t0);
      bwd.push(t2 - t1);
    }
  }
  const [f, b] = [median(fwd), median(bwd)];
  console.log(`${dtype} ${path} causal (B,H,T,d)=(${B},${H},${T},${d}): fwd ${f.toFixed(1)} ms, ` +
    `bwd ${b.toFixed(1)} ms, fwd+bwd ${(f + b).toFixed(1)} ms (median of ${reps}; ` +
    `best fwd+bwd ${Math.min(...fwd.map((x, i) => x + bwd[i])).toFixed(1)} ms)`);
}
