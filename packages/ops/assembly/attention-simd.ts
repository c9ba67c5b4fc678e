// AssemblyScript source of the float32 WebAssembly SIMD attention kernels (entry file; the
// tiles live in attention-simd-tiles.ts, e^x in simd-math.ts). Build: node
// packages/ops/scripts/build-attention-wasm.mjs (writes src/kernels/wasm/attention-f32-wasm.generated.ts).
// The JavaScript side (src/kernels/attention-wasm-staging.ts) owns the memory layout; these
// functions only see byte addresses.
//
// Layout contract (all f32 unless said otherwise; "packed" = zero-padded to multiples of 8):
//   q      (Lp, Ep)  one query head, packed        kt  (nb, Ep, BC)  keys as transposed panels
//   k      (Sp, Ep)  one kv head's keys, packed     v   (Sp, Evp)     values, packed
//   vt     (nb, Evp, BC) values as panels           dO  (Lp, Evp)     output gradient, packed
//   out    (L, Ev)   raw output rows of one head    lse (L) f64, D (L): raw per-row values
// A matrix that needs no padding may be staged packed already: pack/unpack with dst == src do nothing.
// Masks are read at mask + i*si + j*sj (elements) from a per-(b, h) base address.

import {
  NO_DIAG, copyF32, hsum, tileAccAB, tileAccAtB, tileDotT, zeroF32,
} from './attention-simd-tiles';
import { BC } from './attention-simd-pack';
import { exp4 } from './simd-exp';

// The staging helpers are exports of this module too.
export { blockK, copyRows, pack, packPanels, rowDots, unpack } from './attention-simd-pack';

const BR: i32 = 64; // query rows per block (multiple of 8)

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
let rowSum: usize = 0; // running row sums, f32

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
 * Adds the float mask and blocks (-Infinity) what the boolean mask forbids in a score tile
 * of real rows i0 .. i0+rows, keys j0 .. j0+cols (the causal rule and key padding are applied
 * per row by blockTail()).
 */
function maskTile(t: usize, rows: i32, cols: i32, i0: i32, j0: i32, fm: usize, bm: usize): void {
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
  }
}

/**
 * Keys of row i0 + r that the causal rule and the key padding leave visible in the block at
 * j0 (the first `lim` keys of the block's `cols`; lim <= 0 when none).
 */
@inline function visibleKeys(r: i32, i0: i32, j0: i32, cols: i32): i32 {
  return causal ? min(cols, i0 + r - j0 + 1) : cols;
}

/**
 * Where the tile products stop reading row r: past the causal diagonal of its group of four
 * rows, or the padded block width. Entries of [end of the row's work, this) must be zero.
 */
@inline function readEnd(r: i32, diag: i32, colsP: i32): i32 {
  return diag == NO_DIAG ? colsP : min(colsP, (r & ~3) + 4 + diag);
}

/** Sets the lanes c >= lim of the last vector of a row's first cEnd = (lim + 3) & ~3 scores to -Infinity. */
@inline function blockTail(row: usize, lim: i32, cEnd: i32): void {
  if (lim == cEnd) return;
  const at = row + (<usize>(cEnd - 4) << 2);
  const lanes = i32x4.add(i32x4.splat(cEnd - 4), i32x4(0, 1, 2, 3));
  v128.store(at, v128.bitselect(f32x4.splat(-Infinity), v128.load(at), i32x4.ge_s(lanes, i32x4.splat(lim))));
}

/**
 * One row of a score tile through the online softmax: replaces the first cEnd scores by
 * exp(s - m) with m the row's running max, updates the running max and sum, and rescales the
 * row's output accumulator when the max grew. Returns false when nothing is visible yet.
 */
@inline function softmaxRow(row: usize, cEnd: i32, r: i32, acc: usize): bool {
  const mAt = rowMax + (<usize>r << 2);
  const lAt = rowSum + (<usize>r << 2);
  const mOld = load<f32>(mAt);
  let mv = f32x4.splat(mOld);
  for (let c = 0; c < cEnd; c += 4) mv = f32x4.pmax(mv, v128.load(row + (<usize>c << 2)));
  mv = f32x4.pmax(mv, i32x4.shuffle(mv, mv, 2, 3, 0, 1));
  mv = f32x4.pmax(mv, i32x4.shuffle(mv, mv, 1, 0, 3, 2));
  const mNew = f32x4.extract_lane(mv, 0);
  if (mNew == -Infinity) {
    // Nothing visible in this row so far: exp(-inf - -inf) would be NaN.
    zeroF32(row, cEnd);
    return false;
  }
  let sv = f32x4.splat(0);
  for (let c = 0; c < cEnd; c += 4) {
    const at = row + (<usize>c << 2);
    const pv = exp4(f32x4.sub(v128.load(at), mv));
    v128.store(at, pv);
    sv = f32x4.add(sv, pv);
  }
  const s = hsum(sv);
  if (mOld == -Infinity) {
    // First visible keys of the row: its sum and accumulator are still zero.
    store<f32>(lAt, s);
  } else if (mNew > mOld) {
    const av = exp4(f32x4.splat(mOld - mNew));
    store<f32>(lAt, load<f32>(lAt) * f32x4.extract_lane(av, 0) + s);
    for (let e = 0; e < Evp; e += 4) v128.store(acc + (<usize>e << 2), f32x4.mul(v128.load(acc + (<usize>e << 2)), av));
  } else {
    store<f32>(lAt, load<f32>(lAt) + s);
  }
  store<f32>(mAt, mNew);
  return true;
}

/** Writes row i's output (the accumulator over the row sum) and log-sum-exp; zeros when nothing was visible. */
@inline function finishRow(r: i32, i: i32, out: usize, lse: usize): void {
  const m = load<f32>(rowMax + (<usize>r << 2));
  const dst = out + <usize>(i * Ev) * 4;
  if (m == -Infinity) {
    for (let e = 0; e < Ev; e++) store<f32>(dst + (<usize>e << 2), 0);
    store<f64>(lse + (<usize>i << 3), -Infinity);
    return;
  }
  const l = load<f32>(rowSum + (<usize>r << 2));
  const inv = f32x4.splat(1 / l);
  const src = accB + <usize>(r * Evp) * 4;
  let e = 0;
  for (; e + 4 <= Ev; e += 4) v128.store(dst + (<usize>e << 2), f32x4.mul(v128.load(src + (<usize>e << 2)), inv));
  for (; e < Ev; e++) store<f32>(dst + (<usize>e << 2), load<f32>(src + (<usize>e << 2)) * f32x4.extract_lane(inv, 0));
  store<f64>(lse + (<usize>i << 3), <f64>m + Math.log(<f64>l));
}

/** Forward of one (b, h): writes out (L, Ev) (every row) and lse (L, f64) for this head. */
export function forwardHead(q: usize, kt: usize, v: usize, out: usize, lse: usize, fm: usize, bm: usize, b: i32, h: i32): void {
  const rowBytes = <usize>Evp << 2;
  for (let i0 = 0; i0 < L; i0 += BR) {
    const rows = min(BR, Lp - i0);
    const rowsReal = min(BR, L - i0);
    zeroF32(accB, rows * Evp);
    for (let r = 0; r < rowsReal; r++) {
      store<f32>(rowMax + (<usize>r << 2), -Infinity);
      store<f32>(rowSum + (<usize>r << 2), 0);
    }
    const jEnd = causal ? min(S, i0 + rowsReal) : S;
    for (let j0 = 0; j0 < jEnd; j0 += BC) {
      const cols = min(BC, jEnd - j0);
      const colsP = (cols + 7) & ~7;
      const diag = causal ? i0 - j0 : NO_DIAG;
      tileDotT(q + <usize>(i0 * Ep) * 4, Ep, kt + <usize>(j0 * Ep) * 4, BC, Ep, rows, colsP, scale, tileA, BC, diag);
      if (fm != 0 || bm != 0) maskTile(tileA, rowsReal, cols, i0, j0, fm, bm);
      // Query padding rows keep their finite scores (zero queries): their outputs are never read.
      for (let r = 0; r < rowsReal; r++) {
        const row = tileA + <usize>(r * BC) * 4;
        const lim = visibleKeys(r, i0, j0, cols);
        const cEnd = lim > 0 ? (lim + 3) & ~3 : 0;
        const zEnd = readEnd(r, diag, colsP);
        if (zEnd > cEnd) zeroF32(row + (<usize>cEnd << 2), zEnd - cEnd);
        if (cEnd == 0) continue;
        blockTail(row, lim, cEnd);
        if (!softmaxRow(row, cEnd, r, accB + <usize>r * rowBytes)) continue;
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
    for (let r = 0; r < rowsReal; r++) finishRow(r, i0 + r, out, lse);
  }
}

/**
 * Turns row r of the score tile into the weights P = exp(s - l) and the dS = P∘(dP∘Z - D) of
 * its first cEnd keys (Z the dropout factors); P∘Z stays in the score tile, dS in the dP tile.
 */
@inline function gradRow(pRow: usize, dRowT: usize, cEnd: i32, l: f32, d: f32, key: u32, j0: i32): void {
  const lv = f32x4.splat(l);
  const dv4 = f32x4.splat(d);
  if (!dropout) {
    for (let c = 0; c < cEnd; c += 4) {
      const at = <usize>c << 2;
      const p = exp4(f32x4.sub(v128.load(pRow + at), lv));
      v128.store(dRowT + at, f32x4.mul(p, f32x4.sub(v128.load(dRowT + at), dv4)));
      v128.store(pRow + at, p);
    }
    return;
  }
  for (let c = 0; c < cEnd; c += 4) {
    const at = <usize>c << 2;
    const p = exp4(f32x4.sub(v128.load(pRow + at), lv));
    const z = dropFactors(key, j0 + c);
    v128.store(dRowT + at, f32x4.mul(p, f32x4.sub(f32x4.mul(v128.load(dRowT + at), z), dv4)));
    v128.store(pRow + at, f32x4.mul(p, z));
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
      for (let i0 = causal ? (j0 / BR) * BR : 0; i0 < L; i0 += BR) {
        const rows = min(BR, Lp - i0);
        const rowsReal = min(BR, L - i0);
        const diag = causal ? i0 - j0 : NO_DIAG;
        tileDotT(qg + <usize>i0 * ew, Ep, kt + <usize>(j0 * Ep) * 4, BC, Ep, rows, colsP, scale, tileA, BC, diag);
        if (fmg != 0 || bmg != 0) maskTile(tileA, rowsReal, cols, i0, j0, fmg, bmg);
        tileDotT(dOg + <usize>i0 * evw, Evp, vt + <usize>(j0 * Evp) * 4, BC, Evp, rows, colsP, 1, tileB, BC, diag);
        for (let r = 0; r < rows; r++) {
          const pRow = tileA + <usize>(r * BC) * 4;
          const dRowT = tileB + <usize>(r * BC) * 4;
          const i = i0 + r;
          const l = r < rowsReal ? load<f64>(lseg + (<usize>i << 3)) : -Infinity;
          const lim = visibleKeys(r, i0, j0, cols);
          // Padding, a fully blocked row, or keys past the causal diagonal: zero weights and
          // zero gradients (stale tile entries there are overwritten, never used).
          const cEnd = l == -Infinity || lim <= 0 ? 0 : (lim + 3) & ~3;
          const zEnd = readEnd(r, diag, colsP);
          if (zEnd > cEnd) {
            zeroF32(pRow + (<usize>cEnd << 2), zEnd - cEnd);
            zeroF32(dRowT + (<usize>cEnd << 2), zEnd - cEnd);
          }
          if (cEnd == 0) continue;
          blockTail(pRow, lim, cEnd);
          const key = dropout ? rowKey(b, h, i) : 0;
          gradRow(pRow, dRowT, cEnd, <f32>l, load<f32>(dRowg + (<usize>i << 2)), key, j0);
          if (dMask != 0) copyF32(dMask + <usize>(g * L * S + i * S + j0) * 4, dRowT, min(cols, cEnd));
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
