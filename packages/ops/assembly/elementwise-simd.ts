// Float32 elementwise kernels in WebAssembly SIMD (AssemblyScript), for the memory-bound
// passes of a transformer step that plain JavaScript runs at several ns per element here.
// Addresses are byte offsets into this module's memory, laid out by the caller
// (src/kernels/elementwise-wasm.ts); counts are in elements. This entry holds the binary
// arithmetic; the other kernels live one family per file and are exported from here.

export { geluWithGrad } from './elementwise-gelu';
export { layerNormForward, layerNormBackward } from './elementwise-layer-norm';
export { copyStrided4 } from './elementwise-copy';
export { adamUpdate } from './elementwise-adam';
export { softmaxRows, shiftScaleRows } from './elementwise-softmax';

/** Where the caller may start laying out its regions. */
export function heapBase(): usize {
  return __heap_base;
}

// out[r·n + j] = a[r·as + j] ∘ b[r·bs + j]: as/bs are n for a full operand and 0 for a row
// broadcast over the rows (a bias). One function per op keeps each loop a single instruction.

export function addRows(o: usize, a: usize, as: i32, b: usize, bs: i32, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const ao = a + (<usize>(r * as) << 2);
    const bo = b + (<usize>(r * bs) << 2);
    const oo = o + (<usize>(r * n) << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const k = <usize>j << 2;
      v128.store(oo + k, f32x4.add(v128.load(ao + k), v128.load(bo + k)));
    }
    for (; j < n; j++) {
      const k = <usize>j << 2;
      store<f32>(oo + k, load<f32>(ao + k) + load<f32>(bo + k));
    }
  }
}

export function subRows(o: usize, a: usize, as: i32, b: usize, bs: i32, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const ao = a + (<usize>(r * as) << 2);
    const bo = b + (<usize>(r * bs) << 2);
    const oo = o + (<usize>(r * n) << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const k = <usize>j << 2;
      v128.store(oo + k, f32x4.sub(v128.load(ao + k), v128.load(bo + k)));
    }
    for (; j < n; j++) {
      const k = <usize>j << 2;
      store<f32>(oo + k, load<f32>(ao + k) - load<f32>(bo + k));
    }
  }
}

export function mulRows(o: usize, a: usize, as: i32, b: usize, bs: i32, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const ao = a + (<usize>(r * as) << 2);
    const bo = b + (<usize>(r * bs) << 2);
    const oo = o + (<usize>(r * n) << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const k = <usize>j << 2;
      v128.store(oo + k, f32x4.mul(v128.load(ao + k), v128.load(bo + k)));
    }
    for (; j < n; j++) {
      const k = <usize>j << 2;
      store<f32>(oo + k, load<f32>(ao + k) * load<f32>(bo + k));
    }
  }
}
