// Compiles packages/ops/assembly/elementwise-simd.ts (AssemblyScript) to WebAssembly, once with
// SIMD and once with relaxed SIMD (fused multiply-add: GELU's erf and the exp of softmax and
// cross-entropy run ~15% faster), and writes both, base64-encoded, to
// src/kernels/wasm/elementwise-f32-wasm.generated.ts (gitignored) so the kernels load in Node
// and browsers without a file read. The package's build script runs it; by hand:
//   node packages/ops/scripts/build-elementwise-wasm.mjs
import { embedWasmVariants } from './embed-wasm-variants.mjs';

embedWasmVariants({
  entry: 'elementwise-simd.ts',
  output: 'elementwise-f32-wasm.generated.ts',
  prefix: 'ELEMENTWISE_WASM',
  what: 'elementwise',
  script: 'build-elementwise-wasm.mjs',
  sources: 'assembly/elementwise*.ts',
});
