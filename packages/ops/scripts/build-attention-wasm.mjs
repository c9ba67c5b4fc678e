// Compiles packages/ops/assembly/attention-simd.ts (AssemblyScript) to WebAssembly, once with
// SIMD and once with relaxed SIMD (fused multiply-add), and writes both, base64-encoded, to
// src/kernels/wasm/attention-f32-wasm.generated.ts (gitignored) so the kernels load in Node and browsers without a file
// read. The package's build script runs it; by hand:
//   node packages/ops/scripts/build-attention-wasm.mjs
import { embedWasmVariants } from './embed-wasm-variants.mjs';

embedWasmVariants({
  entry: 'attention-simd.ts',
  output: 'attention-f32-wasm.generated.ts',
  prefix: 'ATTENTION_WASM',
  what: 'attention',
  script: 'build-attention-wasm.mjs',
  sources: 'assembly/attention-simd*.ts',
});
