// AssemblyScript source of the float32 WebAssembly SIMD attention kernels (entry file; the
// tiles live in attention-simd-tiles.ts, e^x in simd-math.ts). Build: node
// packages/ops/scripts/build-attention-wasm.mjs (writes src/kernels/attention-wasm-binary.ts).
// The JavaScript side (src/kernels/attention-wasm-kernels.ts) owns the memory layout; these
// functions only see byte addresses.
//
// Layout contract (all f32 unless said otherwise; "packed" = zero-padded to multiples of 8):
//   q      (Lp, Ep)  one query head, packed        kt  (nb, Ep, BC)  keys as transposed panels
//   k      (Sp, Ep)  one kv head's keys, packed     v   (Sp, Evp)     values, packed
//   vt     (nb, Evp, BC) values as panels           dO  (Lp, Evp)     output gradient, packed
//   out    (L, Ev)   raw output rows of one head    lse (L) f64, D (L): raw per-row values
// Masks are read at mask + i*si + j*sj (elements) from a per-(b, h) base address.

import {
  NO_DIAG, copyF32, hmax, hsum, tileAccAB, tileAccAtB, tileDotT, zeroF32,
} from './attention-simd-tiles';
import { exp4 } from './simd-math';

const BR: i32 = 64; // query rows per block (multiple of 8)
const BC: i32 = 64; // keys per block (multiple of 8)

let L: i32 = 0;
let S: i32 = 0;
let E: i32 = 0;
let Ev: i32 = 0;
let Lp: i32 = 0;
let Ep: i32 = 0;
let Evp: i32 = 0;
let scale: f32 = 0;
let causal: bool = false;
let fmSi: i32 = 0;
let fmSj: i32 = 0;
let bmSi: i32 = 0;
let bmSj: i32 = 0;
let dropout: bool = false;
let threshold: u32 = 0;
let keepScale: f32 = 0;
let seed: u32 = 0;
let tileA: usize = 0;
let tileB: usize = 0;
let accA: usize = 0;
let accB: usize = 0;
let rowMax: usize = 0;
let rowSum: usize = 0;

/** First byte after the module's static data: the JavaScript side allocates from here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of scratch that configure() needs for padded dims ep, evp. */
export function scratchBytes(ep: i32, evp: i32): i32 {
  return 2 * BR * BC * 4 + 2 * max(BR, BC) * max(ep, evp) * 4 + BR * 12;
}

/** Sets the shape, masks strides, dropout and scratch of the next kernel calls. */
export function configure(
  l: i32, s: i32, e: i32, ev: i32, scl: f32, isCausal: bool,
  fsi: i32, fsj: i32, bsi: i32, bsj: i32,
  drop: bool, thresh: u32, keep: f32, sd: u32, scratch: usize,
): void {
  L = l; S = s; E = e; Ev = ev;
  Lp = (l + 7) & ~7; Ep = (e + 7) & ~7; Evp = (ev + 7) & ~7;
  scale = scl; causal = isCausal;
  fmSi = fsi; fmSj = fsj; bmSi = bsi; bmSj = bsj;
  dropout = drop; threshold = thresh; keepScale = keep; seed = sd;
  const w = <usize>max(Ep, Evp) * 4;
  tileA = scratch;
  tileB = tileA + <usize>(BR * BC * 4);
  accA = tileB + <usize>(BR * BC * 4);
  accB = accA + <usize>max(BR, BC) * w;
  rowMax = accB + <usize>max(BR, BC) * w;
  rowSum = rowMax + <usize>(BR * 4);
}

// ---- dropout hash: must match src/kernels/dropout-hash.ts bit for bit ----

@inline function fmix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x85ebca6b;
  x ^= x >>> 13;
  x *= 0xc2b2ae35;
  x ^= x >>> 16;
  return x;
}

@inline function absorb(state: u32, word: u32): u32 {
  return fmix32((state ^ word) * 0xcc9e2d51 + 0xe6546b64);
}

function rowKey(b: i32, h: i32, i: i32): u32 {
  return absorb(absorb(absorb(absorb(0x2545f491, seed), <u32>b), <u32>h), <u32>i);
}

/** Dropout factors (keepScale or 0) of keys j .. j+3 of the row with key `key`. */
@inline function dropFactors(key: u32, j: i32): v128 {
  const jv = i32x4.add(i32x4.splat(j), i32x4(0, 1, 2, 3));
  let x = i32x4.add(i32x4.splat(key), i32x4.mul(jv, i32x4.splat(0x9e3779b9)));
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x85ebca6b));
  x = v128.xor(x, i32x4.shr_u(x, 13));
  x = i32x4.mul(x, i32x4.splat(0xc2b2ae35));
  x = v128.xor(x, i32x4.shr_u(x, 16));
  return v128.and(i32x4.ge_u(x, i32x4.splat(threshold)), f32x4.splat(keepScale));
}

/**
 * Adds the float mask and blocks (-Infinity) what the boolean mask, the causal rule or the
 * key padding forbids, in a score tile of real rows i0 .. i0+rows, keys j0 .. j0+colsP.
 */
function maskTile(t: usize, rows: i32, cols: i32, colsP: i32, i0: i32, j0: i32, fm: usize, bm: usize): void {
  for (let r = 0; r < rows; r++) {
    const i = i0 + r;
    const row = t + <usize>(r * BC) * 4;
    if (fm != 0) {
      for (let c = 0; c < cols; c++) {
        const at = row + (<usize>c << 2);
        store<f32>(at, load<f32>(at) + load<f32>(fm + (<usize>(i * fmSi + (j0 + c) * fmSj) << 2)));
      }
    }
    if (bm != 0) {
      for (let c = 0; c < cols; c++) {
        if (load<u8>(bm + <usize>(i * bmSi + (j0 + c) * bmSj)) == 0) store<f32>(row + (<usize>c << 2), -Infinity);
      }
    }
    const firstBlocked = causal ? min(cols, max(0, i - j0 + 1)) : cols;
    for (let c = firstBlocked; c < colsP; c++) store<f32>(row + (<usize>c << 2), -Infinity);
  }
}

/** Forward of one (b, h): writes out (L, Ev) and lse (L, f64) for this head. */
export function forwardHead(q: usize, kt: usize, v: usize, out: usize, lse: usize, fm: usize, bm: usize, b: i32, h: i32): void {
  const rowBytes = <usize>Evp << 2;
  for (let i0 = 0; i0 < L; i0 += BR) {
    const rows = min(BR, Lp - i0);
    const rowsReal = min(BR, L - i0);
    zeroF32(accB, rows * Evp);
    for (let r = 0; r < rows; r++) {
      store<f32>(rowMax + (<usize>r << 2), -Infinity);
      store<f64>(rowSum + (<usize>r << 3), 0);
    }
    const jEnd = causal ? min(S, i0 + rowsReal) : S;
    for (let j0 = 0; j0 < jEnd; j0 += BC) {
      const cols = min(BC, jEnd - j0);
      const colsP = (cols + 7) & ~7;
      const diag = causal ? i0 - j0 : NO_DIAG;
      tileDotT(q + <usize>(i0 * Ep) * 4, Ep, kt + <usize>(j0 * Ep) * 4, BC, Ep, rows, colsP, scale, tileA, BC, diag);
      maskTile(tileA, rowsReal, cols, colsP, i0, j0, fm, bm);
      for (let r = 0; r < rows; r++) {
        const row = tileA + <usize>(r * BC) * 4;
        // Keys past the causal diagonal are skipped (their weights are zero).
        const cEnd = r < rowsReal ? min(colsP, (r + diag + 4) & ~3) : 0;
        zeroF32(row + (<usize>cEnd << 2), colsP - cEnd);
        if (cEnd == 0) continue;
        let mv = f32x4.splat(-Infinity);
        for (let c = 0; c < cEnd; c += 4) mv = f32x4.pmax(mv, v128.load(row + (<usize>c << 2)));
        const mOld = load<f32>(rowMax + (<usize>r << 2));
        const mNew = max(mOld, hmax(mv));
        if (mNew == -Infinity) {
          // Nothing visible in this row so far: exp(-inf - -inf) would be NaN.
          zeroF32(row, cEnd);
          continue;
        }
        const mSplat = f32x4.splat(mNew);
        let sv = f32x4.splat(0);
        for (let c = 0; c < cEnd; c += 4) {
          const at = row + (<usize>c << 2);
          const pv = exp4(f32x4.sub(v128.load(at), mSplat));
          v128.store(at, pv);
          sv = f32x4.add(sv, pv);
        }
        const alpha = f32x4.extract_lane(exp4(f32x4.splat(mOld - mNew)), 0);
        store<f64>(rowSum + (<usize>r << 3), load<f64>(rowSum + (<usize>r << 3)) * alpha + hsum(sv));
        store<f32>(rowMax + (<usize>r << 2), mNew);
        if (alpha != 1) {
          const av = f32x4.splat(alpha);
          const ap = accB + <usize>r * rowBytes;
          for (let e = 0; e < Evp; e += 4) v128.store(ap + (<usize>e << 2), f32x4.mul(v128.load(ap + (<usize>e << 2)), av));
        }
        if (dropout) {
          const key = rowKey(b, h, i0 + r);
          for (let c = 0; c < cEnd; c += 4) {
            const at = row + (<usize>c << 2);
            v128.store(at, f32x4.mul(v128.load(at), dropFactors(key, j0 + c)));
          }
        }
      }
      tileAccAB(tileA, BC, v + <usize>(j0 * Evp) * 4, Evp, rows, Evp, colsP, 1, accB, Evp, diag);
    }
    for (let r = 0; r < rowsReal; r++) {
      const m = load<f32>(rowMax + (<usize>r << 2));
      const i = i0 + r;
      if (m == -Infinity) {
        store<f64>(lse + (<usize>i << 3), -Infinity);
        continue;
      }
      const l = load<f64>(rowSum + (<usize>r << 3));
      const inv = <f32>(1 / l);
      const src = accB + <usize>r * rowBytes;
      const dst = out + <usize>(i * Ev) * 4;
      for (let e = 0; e < Ev; e++) store<f32>(dst + (<usize>e << 2), load<f32>(src + (<usize>e << 2)) * inv);
      store<f64>(lse + (<usize>i << 3), <f64>m + Math.log(l));
    }
  }
}

/**
 * Backward of one (b, kv head) and the `group` query heads h0 .. h0+group-1 that read it.
 * Per-head pointers advance by the given byte strides; dq accumulates into packed dq heads,
 * dk/dv rows of this kv head are written raw (S, E) / (S, Ev); dMask (L, S) per head or 0.
 */
export function backwardKvHead(
  q: usize, dO: usize, dq: usize, lse: usize, dRow: usize, dMask: usize,
  k: usize, kt: usize, vt: usize, dk: usize, dv: usize,
  fm: usize, fmHead: i32, bm: usize, bmHead: i32, b: i32, h0: i32, group: i32,
): void {
  const qHead = <usize>(Lp * Ep) * 4;
  const oHead = <usize>(Lp * Evp) * 4;
  const ew = <usize>Ep << 2;
  const evw = <usize>Evp << 2;
  for (let j0 = 0; j0 < S; j0 += BC) {
    const cols = min(BC, S - j0);
    const colsP = (cols + 7) & ~7;
    zeroF32(accA, colsP * Ep);
    zeroF32(accB, colsP * Evp);
    for (let g = 0; g < group; g++) {
      const h = h0 + g;
      const qg = q + <usize>g * qHead;
      const dOg = dO + <usize>g * oHead;
      const dqg = dq + <usize>g * qHead;
      const lseg = lse + <usize>(g * L) * 8;
      const dRowg = dRow + <usize>(g * L) * 4;
      const fmg: usize = fm == 0 ? 0 : fm + <usize>(g * fmHead);
      const bmg: usize = bm == 0 ? 0 : bm + <usize>(g * bmHead);
      // Causal: query rows before the block's first key see none of it.
      for (let i0 = causal ? j0 : 0; i0 < L; i0 += BR) {
        const rows = min(BR, Lp - i0);
        const rowsReal = min(BR, L - i0);
        const diag = causal ? i0 - j0 : NO_DIAG;
        tileDotT(qg + <usize>i0 * ew, Ep, kt + <usize>(j0 * Ep) * 4, BC, Ep, rows, colsP, scale, tileA, BC, diag);
        maskTile(tileA, rowsReal, cols, colsP, i0, j0, fmg, bmg);
        tileDotT(dOg + <usize>i0 * evw, Evp, vt + <usize>(j0 * Evp) * 4, BC, Evp, rows, colsP, 1, tileB, BC, diag);
        for (let r = 0; r < rows; r++) {
          const pRow = tileA + <usize>(r * BC) * 4;
          const dRowT = tileB + <usize>(r * BC) * 4;
          const i = i0 + r;
          const l = r < rowsReal ? load<f64>(lseg + (<usize>i << 3)) : -Infinity;
          // Padding, a fully blocked row, or keys past the causal diagonal: zero weights and
          // zero gradients (stale tile entries there are overwritten, never used).
          const cEnd = l == -Infinity ? 0 : min(colsP, (r + diag + 4) & ~3);
          zeroF32(pRow + (<usize>cEnd << 2), colsP - cEnd);
          zeroF32(dRowT + (<usize>cEnd << 2), colsP - cEnd);
          if (cEnd == 0) continue;
          const lv = f32x4.splat(<f32>l);
          const dv4 = f32x4.splat(load<f32>(dRowg + (<usize>i << 2)));
          const key = dropout ? rowKey(b, h, i) : 0;
          for (let c = 0; c < cEnd; c += 4) {
            const at = <usize>c << 2;
            const p = exp4(f32x4.sub(v128.load(pRow + at), lv));
            const z = dropout ? dropFactors(key, j0 + c) : f32x4.splat(1);
            v128.store(dRowT + at, f32x4.mul(p, f32x4.sub(f32x4.mul(v128.load(dRowT + at), z), dv4)));
            v128.store(pRow + at, f32x4.mul(p, z));
          }
          if (dMask != 0) {
            const dm = dMask + <usize>(g * L * S + i * S + j0) * 4;
            copyF32(dm, dRowT, cols);
          }
        }
        tileAccAtB(tileA, BC, dOg + <usize>i0 * evw, Evp, colsP, Evp, rows, 1, accB, Evp, diag);
        tileAccAB(tileB, BC, k + <usize>j0 * ew, Ep, rows, Ep, colsP, scale, dqg + <usize>i0 * ew, Ep, diag);
        tileAccAtB(tileB, BC, qg + <usize>i0 * ew, Ep, colsP, Ep, rows, scale, accA, Ep, diag);
      }
    }
    for (let c = 0; c < cols; c++) {
      copyF32(dk + <usize>((j0 + c) * E) * 4, accA + <usize>c * ew, E);
      copyF32(dv + <usize>((j0 + c) * Ev) * 4, accB + <usize>c * evw, Ev);
    }
  }
}

/** Copies n (rows, cols) matrices into zeroed (rowsP, colsP) slots. */
export function pack(src: usize, dst: usize, n: i32, rows: i32, cols: i32, rowsP: i32, colsP: i32): void {
  memory.fill(dst, 0, <usize>(n * rowsP * colsP) * 4);
  for (let m = 0; m < n; m++) {
    for (let r = 0; r < rows; r++) {
      copyF32(dst + <usize>((m * rowsP + r) * colsP) * 4, src + <usize>((m * rows + r) * cols) * 4, cols);
    }
  }
}

/**
 * Copies n (rows, cols) matrices transposed into panels: each block of BC rows becomes a
 * zero-padded (colsP, BC) panel, so a key block's transposed tile is contiguous (a row
 * stride of the whole padded length would be a power of two and thrash the L1 sets).
 */
export function packPanels(src: usize, dst: usize, n: i32, rows: i32, cols: i32, colsP: i32): void {
  const nb = (rows + BC - 1) / BC;
  memory.fill(dst, 0, <usize>(n * nb * colsP * BC) * 4);
  const rs = <usize>cols << 2;
  for (let m = 0; m < n; m++) {
    let r = 0;
    // Four source rows at a time become one 16-byte store per column.
    for (; r + 4 <= rows; r += 4) {
      const s = src + <usize>((m * rows + r) * cols) * 4;
      const d = dst + <usize>(((m * nb + r / BC) * colsP) * BC + r % BC) * 4;
      for (let c = 0; c < cols; c++) {
        const at = s + (<usize>c << 2);
        let x = f32x4.splat(load<f32>(at));
        x = f32x4.replace_lane(x, 1, load<f32>(at + rs));
        x = f32x4.replace_lane(x, 2, load<f32>(at + 2 * rs));
        x = f32x4.replace_lane(x, 3, load<f32>(at + 3 * rs));
        v128.store(d + <usize>(c * BC) * 4, x);
      }
    }
    for (; r < rows; r++) {
      const s = src + <usize>((m * rows + r) * cols) * 4;
      const d = dst + <usize>(((m * nb + r / BC) * colsP) * BC + r % BC) * 4;
      for (let c = 0; c < cols; c++) store<f32>(d + <usize>(c * BC) * 4, load<f32>(s + (<usize>c << 2)));
    }
  }
}

/** dst[r] = Σₑ a[r, e] · b[r, e] over n rows of width w, summed in f64. */
export function rowDots(a: usize, b: usize, dst: usize, n: i32, w: i32): void {
  for (let r = 0; r < n; r++) {
    let s: f64 = 0;
    const o = <usize>(r * w) * 4;
    for (let e = 0; e < w; e++) s += <f64>load<f32>(a + o + (<usize>e << 2)) * <f64>load<f32>(b + o + (<usize>e << 2));
    store<f32>(dst + (<usize>r << 2), <f32>s);
  }
}

/** Keys per block, which sets the panel layout of packPanels. */
export function blockK(): i32 {
  return BC;
}

/** Copies the (rows, cols) corners of n packed (rowsP, colsP) matrices out densely. */
export function unpack(src: usize, dst: usize, n: i32, rows: i32, cols: i32, rowsP: i32, colsP: i32): void {
  for (let m = 0; m < n; m++) {
    for (let r = 0; r < rows; r++) {
      copyF32(dst + <usize>((m * rows + r) * cols) * 4, src + <usize>((m * rowsP + r) * colsP) * 4, cols);
    }
  }
}
