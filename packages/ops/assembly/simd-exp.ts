// AssemblyScript: e^x on four float32 lanes (Cephes expf: relative error ~1e-7; x < -87.3 gives
// exactly 0), for the attention and softmax kernels. Its own file because its constants are static
// data: a module importing only madd (the GEMM, through the GELU epilogue) stays free of data.

import { madd } from './simd-math';

// The constants, read from memory with one broadcast each: V8 (Node 20) rebuilds every
// v128.const inside a loop from general registers (three instructions each), which made this
// exp cost ~2.4 ns per element here against ~1.6 ns with loads.
const EXP_CONSTANTS = memory.data<f32>([
  1.44269504088896341, // 0: log2(e)
  12582912.0, // 1: 1.5·2^23, rounds to an integer held in the low mantissa bits
  0.693359375, // 2: ln 2, high part (exact in a product with n)
  -2.12194440e-4, // 3: ln 2, low part
  1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, // 4-9: Cephes expf
  1.0, // 10
  -87.33654, // 11: below this e^x is under the smallest normal float32: 0
  12582785.0, // 12: the bits of 1.5·2^23 less the exponent bias 127
  88.3762626647949, // 13: above this e^x overflows float32
], 16);

/** The float32 at `table` + 4·i on four lanes: one broadcast load (see EXP_CONSTANTS). */
@inline export function splatAt(table: usize, i: i32): v128 {
  return v128.load32_splat(table + (<usize>i << 2));
}

@inline export function exp4(x: v128): v128 {
  // pmin/pmax map to single instructions; NaN in x survives both and propagates.
  const lim = splatAt(EXP_CONSTANTS, 11);
  const xc = f32x4.pmax(f32x4.pmin(x, splatAt(EXP_CONSTANTS, 13)), lim);
  const magic = splatAt(EXP_CONSTANTS, 1);
  const t = f32x4.add(f32x4.mul(xc, splatAt(EXP_CONSTANTS, 0)), magic);
  const n = f32x4.sub(t, magic);
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(n, splatAt(EXP_CONSTANTS, 2))), f32x4.mul(n, splatAt(EXP_CONSTANTS, 3)));
  let y = madd(splatAt(EXP_CONSTANTS, 4), r, splatAt(EXP_CONSTANTS, 5));
  y = madd(y, r, splatAt(EXP_CONSTANTS, 6));
  y = madd(y, r, splatAt(EXP_CONSTANTS, 7));
  y = madd(y, r, splatAt(EXP_CONSTANTS, 8));
  y = madd(y, r, splatAt(EXP_CONSTANTS, 9));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), splatAt(EXP_CONSTANTS, 10));
  // 2^n: n sits in t's low bits; subtracting the magic's bits less the bias leaves n + 127.
  const pow2n = i32x4.shl(i32x4.sub(t, splatAt(EXP_CONSTANTS, 12)), 23);
  // NaN fails the comparison, so it propagates.
  return v128.andnot(f32x4.mul(y, pow2n), f32x4.lt(x, lim));
}
