// Packing for the float32 GEMM (see gemm-f32.ts): copies blocks of A and B out of their
// strided layout into the contiguous panels the register tile reads, so transposed or padded
// operands cost the same as row-major ones.
import { MR, NR } from './gemm-f32-tile';

/**
 * Packs A[0:mc, 0:kc] (A[i,p] at src + 4(i·rs + p·cs)) for kernelSplatA, into MR-row panels:
 * panel q holds rows qMR..qMR+MR-1 as kc groups of MR vectors, each value splatted over its 4
 * lanes; rows past mc are zero. Row-major rows, and the columns of a transposed A, are read 4 values per load and
 * splatted by shuffles; any other stride takes one splatting load per value.
 */
export function packASplat(mc: i32, kc: i32, src: usize, rs: i32, cs: i32, dst: usize): void {
  const rsBytes = <usize>rs << 2;
  const csBytes = <usize>cs << 2;
  const panelBytes = <usize>(MR * kc) << 4;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const s = src + rsBytes * ir;
    const d = dst + panelBytes * <usize>(ir / MR);
    if (rows == MR && rs == 1) {
      // Transposed A: the panel's first four values of each column are adjacent.
      let dp = d;
      for (let p = 0; p < kc; p++) {
        const sp = s + csBytes * p;
        const v = v128.load(sp);
        v128.store(dp, v128.shuffle<f32>(v, v, 0, 0, 0, 0));
        v128.store(dp, v128.shuffle<f32>(v, v, 1, 1, 1, 1), 16);
        v128.store(dp, v128.shuffle<f32>(v, v, 2, 2, 2, 2), 32);
        v128.store(dp, v128.shuffle<f32>(v, v, 3, 3, 3, 3), 48);
        v128.store(dp, v128.load32_splat(sp, 16), 64);
        dp += MR * 16;
      }
      continue;
    }
    for (let r = 0; r < MR; r++) {
      const sr = s + rsBytes * r;
      let dr = d + (<usize>r << 4);
      let p = 0;
      if (r >= rows) {
        for (; p < kc; p++) {
          v128.store(dr, f32x4.splat(0));
          dr += MR * 16;
        }
      } else if (cs == 1) {
        for (; p + 4 <= kc; p += 4) {
          const v = v128.load(sr + (<usize>p << 2));
          v128.store(dr, v128.shuffle<f32>(v, v, 0, 0, 0, 0));
          v128.store(dr, v128.shuffle<f32>(v, v, 1, 1, 1, 1), MR * 16);
          v128.store(dr, v128.shuffle<f32>(v, v, 2, 2, 2, 2), MR * 32);
          v128.store(dr, v128.shuffle<f32>(v, v, 3, 3, 3, 3), MR * 48);
          dr += MR * 64;
        }
      }
      for (; p < kc; p++) {
        v128.store(dr, v128.load32_splat(sr + csBytes * p));
        dr += MR * 16;
      }
    }
  }
}

/**
 * Packs A[0:mc, 0:kc] for kernelScalarA: the same panels as packASplat with plain floats (kc
 * groups of MR values). Row-major rows go through 4x4 transposes, the columns of a transposed A
 * are copied 4 values per vector; other strides copy value by value.
 */
export function packAScalar(mc: i32, kc: i32, src: usize, rs: i32, cs: i32, dst: usize): void {
  const rsBytes = <usize>rs << 2;
  const csBytes = <usize>cs << 2;
  const step = MR * 4;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const s = src + rsBytes * ir;
    let d = dst + <usize>(ir * kc) * 4;
    let p = 0;
    if (rows == MR && cs == 1) {
      const s1 = s + rsBytes;
      const s2 = s1 + rsBytes;
      const s3 = s2 + rsBytes;
      const s4 = s3 + rsBytes;
      for (; p + 4 <= kc; p += 4) {
        const off = <usize>p << 2;
        const r0 = v128.load(s + off);
        const r1 = v128.load(s1 + off);
        const r2 = v128.load(s2 + off);
        const r3 = v128.load(s3 + off);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        // Each 16-byte store is followed by row 4's value, so consecutive stores do not overlap.
        v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
        store<f32>(d, load<f32>(s4 + off), 16);
        v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), step);
        store<f32>(d, load<f32>(s4 + off, 4), step + 16);
        v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 2 * step);
        store<f32>(d, load<f32>(s4 + off, 8), 2 * step + 16);
        v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 3 * step);
        store<f32>(d, load<f32>(s4 + off, 12), 3 * step + 16);
        d += 4 * step;
      }
    } else if (rows == MR && rs == 1) {
      for (; p < kc; p++) {
        const sp = s + csBytes * p;
        v128.store(d, v128.load(sp));
        store<f32>(d, load<f32>(sp, 16), 16);
        d += step;
      }
    }
    for (; p < kc; p++) {
      const sp = s + csBytes * p;
      for (let r = 0; r < MR; r++) {
        store<f32>(d, r < rows ? load<f32>(sp + rsBytes * r) : 0);
        d += 4;
      }
    }
  }
}

/**
 * Packs alpha·B[0:kc, 0:nc] (B[p,j] at src + 4(p·rs + j·cs)) into NR-column panels: panel q
 * holds columns qNR..qNR+NR-1 as kc groups of NR values, columns past nc zero. Row-major sources
 * are copied by vector, transposed ones go through 4x4 transposes. Alpha is applied here, where
 * it costs one multiply per value of B, rather than in the micro-kernel (see there).
 */
export function packB(kc: i32, nc: i32, src: usize, rs: i32, cs: i32, alpha: f32, dst: usize): void {
  const av = f32x4.splat(alpha);
  const rsBytes = <usize>rs << 2;
  const csBytes = <usize>cs << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const d = dst + (<usize>(jr * kc) << 2);
    const s = src + csBytes * jr;
    let p = 0;
    if (cols == NR && cs == 1) {
      for (; p < kc; p++) {
        const sp = s + rsBytes * p;
        const o = d + (<usize>p << 5);
        v128.store(o, f32x4.mul(av, v128.load(sp)));
        v128.store(o, f32x4.mul(av, v128.load(sp, 16)), 16);
      }
    } else if (cols == NR && rs == 1) {
      for (; p + 4 <= kc; p += 4) {
        for (let h = 0; h < NR; h += 4) {
          const s0 = s + csBytes * h + (<usize>p << 2);
          const s1 = s0 + csBytes;
          const s2 = s1 + csBytes;
          const s3 = s2 + csBytes;
          const r0 = v128.load(s0);
          const r1 = v128.load(s1);
          const r2 = v128.load(s2);
          const r3 = v128.load(s3);
          const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
          const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
          const o = d + (<usize>(p * NR + h) << 2);
          v128.store(o, f32x4.mul(av, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5)));
          v128.store(o, f32x4.mul(av, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7)), NR * 4);
          v128.store(o, f32x4.mul(av, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5)), NR * 8);
          v128.store(o, f32x4.mul(av, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7)), NR * 12);
        }
      }
    }
    for (; p < kc; p++) {
      const o = d + (<usize>(p * NR) << 2);
      const sp = s + rsBytes * p;
      for (let j = 0; j < NR; j++) {
        store<f32>(o + (<usize>j << 2), j < cols ? alpha * load<f32>(sp + csBytes * j) : 0);
      }
    }
  }
}
