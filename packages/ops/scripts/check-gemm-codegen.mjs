// Checks that V8 keeps the GEMM micro-kernels' inner loops in registers. TurboFan's schedule of
// those loops is fragile (see assembly/gemm-f32-tile.ts): an innocent edit can make it hoist
// every load and spill accumulators, halving the speed while every test still passes. This runs
// the built kernels under `node --print-wasm-code` and fails if a kernel loop touches the stack.
//   npm run build -w @tsgrad/ops && node packages/ops/scripts/check-gemm-codegen.mjs
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  const { gemmWasm, loadWasmKernel } = await import('../dist/esm/kernels/gemm-wasm.js');
  const kernel = loadWasmKernel(process.argv[3]);
  // n = 64 runs the splatted-A kernel, n = 16 the compact one.
  for (const n of [64, 16]) {
    const m = 64;
    const k = 64;
    const args = {
      m, n, k, a: new Float32Array(m * k), aRowStride: k, aColStride: 1,
      b: new Float32Array(k * n), bRowStride: n, bColStride: 1, c: new Float32Array(m * n), cRowStride: n,
    };
    gemmWasm(kernel, args, 1);
  }
  process.exit(0);
}

let failed = false;
for (const variant of ['simd', 'relaxed-simd']) {
  const run = spawnSync(process.execPath, [
    '--no-liftoff', '--print-wasm-code', '--experimental-wasm-relaxed-simd', self, '--child', variant,
  ], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
  // Split the listing into functions; a kernel is one with ten or more adds or FMAs (packing
  // multiplies by alpha but never adds).
  const functions = run.stdout.split(/^--- WebAssembly code ---$/m).slice(1);
  let kernels = 0;
  for (const listing of functions) {
    const code = listing.split('\n').filter((l) => /^0x/.test(l)).map((l) => l.slice(39).trim());
    const first = code.findIndex((l) => /^(vmulps|vfmadd)/.test(l));
    if (first < 0 || code.filter((l) => /^(vaddps|vfmadd)/.test(l)).length < 10) continue;
    // The loop runs from the instruction after the nop padding before it to its back branch.
    const back = code.findIndex((l, i) => i > first && /^j(c|l|b|nz|ne)\s/.test(l));
    let start = first;
    while (start > 0 && !/^nop/.test(code[start - 1])) start--;
    const loop = code.slice(start, back + 1);
    const stack = loop.filter((l) => /\[rbp[-+]/.test(l));
    kernels++;
    const name = listing.match(/name: (\S+)/)?.[1] ?? '?';
    console.log(`${variant} ${name}: loop of ${loop.length} instructions, ${stack.length} stack accesses`);
    if (stack.length > 0) failed = true;
  }
  if (kernels !== 2) {
    console.error(`${variant}: expected 2 micro-kernels in the listing, found ${kernels}`);
    failed = true;
  }
}
if (failed) {
  console.error('FAIL: a GEMM micro-kernel loop spills to the stack (or was not found)');
  process.exit(1);
}
console.log('OK: both micro-kernel loops stay in registers');
