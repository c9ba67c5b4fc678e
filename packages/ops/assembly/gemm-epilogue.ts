// The epilogues of the fused float32 linear + GELU (src/kernels/linear-gelu-wasm.ts): GELU and
// its derivative on a product where the GEMM left it, and in the backward the product of the
// incoming gradient with that derivative, which the two gradient GEMMs then read in place.
// A module of its own that imports the GEMM module's memory (scripts/build-wasm.mjs compiles it
// with --importMemory): the GEMM module stays under the 4 KB that browsers compile synchronously.
export { geluWithGrad } from './elementwise-gelu';
export { mulRows } from './elementwise-binary';
