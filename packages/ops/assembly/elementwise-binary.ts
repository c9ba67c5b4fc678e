// Float32 binary arithmetic over rows in WebAssembly SIMD (AssemblyScript), exported by the
// elementwise module (elementwise-simd.ts) and by the GEMM module (gemm-f32.ts), whose fused
// linear + GELU backward multiplies by the derivative in its own memory.

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
