// AssemblyScript source of the float32 WebAssembly SIMD attention kernels.
// Build: node packages/ops/scripts/build-attention-wasm.mjs (writes
// src/kernels/attention-wasm-binary.ts). The JavaScript side (src/kernels/attention-wasm.ts)
// owns the memory layout; these functions only see byte addresses.
//
// Layout contract (all f32 unless said otherwise; "packed" = zero-padded to multiples of 8):
//   q      (Lp, Ep)  one query head, packed        kt  (Ep, Sp)  one kv head's keys, transposed
//   k      (Sp, Ep)  one kv head's keys, packed     v   (Sp, Evp) values, packed
//   vt     (Evp, Sp) values, transposed             dO  (Lp, Evp) output gradient, packed
//   out    (L, Ev)   raw output rows of one head    lse (L) f64, D (L): raw per-row values
// Masks are read at mask + i*si + j*sj (elements) from a per-(b, h) base address.

const BR: i32 = 64; // query rows per block (multiple of 8)
const BC: i32 = 64; // keys per block (multiple of 8)

let L: i32 = 0;
let S: i32 = 0;
let E: i32 = 0;
let Ev: i32 = 0;
let Lp: i32 = 0;
let Sp: i32 = 0;
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
  return 2 * BR * BC * 4 + 2 * BC * max(ep, evp) * 4 + BR * max(ep, evp) * 4 + BR * 12 + 64;
}

/** Sets the shape, masks strides, dropout and scratch of the next kernel calls. */
export function configure(
  l: i32, s: i32, e: i32, ev: i32, scl: f32, isCausal: bool,
  fsi: i32, fsj: i32, bsi: i32, bsj: i32,
  drop: bool, thresh: u32, keep: f32, sd: u32, scratch: usize,
): void {
  L = l; S = s; E = e; Ev = ev;
  Lp = (l + 7) & ~7; Sp = (s + 7) & ~7; Ep = (e + 7) & ~7; Evp = (ev + 7) & ~7;
  scale = scl; causal = isCausal;
  fmSi = fsi; fmSj = fsj; bmSi = bsi; bmSj = bsj;
  dropout = drop; threshold = thresh; keepScale = keep; seed = sd;
  const w = <usize>max(Ep, Evp) * 4;
  tileA = scratch;
  tileB = tileA + <usize>(BR * BC * 4);
  accA = tileB + <usize>(BR * BC * 4);
  accB = accA + <usize>BC * w;
  rowMax = accB + <usize>BR * w;
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

// ---- e^x on four lanes (Cephes expf: relative error ~1e-7; x < -87.3 gives exactly 0) ----

@inline function exp4(x: v128): v128 {
  const xc = f32x4.max(f32x4.min(x, f32x4.splat(88.3762626647949)), f32x4.splat(-88.0));
  const n = f32x4.floor(f32x4.add(f32x4.mul(xc, f32x4.splat(1.44269504088896341)), f32x4.splat(0.5)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), f32x4.splat(1));
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  const e = f32x4.mul(y, pow2n);
  // NaN fails the comparison, so it propagates.
  return v128.andnot(e, f32x4.lt(x, f32x4.splat(-87.33654)));
}

@inline function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// ---- tiles; strides in elements, rows % 4 == 0 and column counts % 8 == 0 ----

/** t[r, c] = alpha · Σₑ a[r, e] · bt[e, c]. */
function tileDotT(a: usize, lda: i32, bt: usize, ldb: i32, n: i32, rows: i32, cols: i32, alpha: f32, t: usize, ldt: i32): void {
  const al = f32x4.splat(alpha);
  const sa = <usize>lda << 2;
  const sb = <usize>ldb << 2;
  const st = <usize>ldt << 2;
  for (let r = 0; r < rows; r += 4) {
    const a0 = a + <usize>r * sa;
    for (let c = 0; c < cols; c += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let bp = bt + (<usize>c << 2);
      let ap = a0;
      for (let e = 0; e < n; e++) {
        const b0 = v128.load(bp), b1 = v128.load(bp, 16);
        let x = v128.load32_splat(ap);
        c00 = f32x4.add(c00, f32x4.mul(x, b0)); c01 = f32x4.add(c01, f32x4.mul(x, b1));
        x = v128.load32_splat(ap + sa);
        c10 = f32x4.add(c10, f32x4.mul(x, b0)); c11 = f32x4.add(c11, f32x4.mul(x, b1));
        x = v128.load32_splat(ap + 2 * sa);
        c20 = f32x4.add(c20, f32x4.mul(x, b0)); c21 = f32x4.add(c21, f32x4.mul(x, b1));
        x = v128.load32_splat(ap + 3 * sa);
        c30 = f32x4.add(c30, f32x4.mul(x, b0)); c31 = f32x4.add(c31, f32x4.mul(x, b1));
        bp += sb;
        ap += 4;
      }
      const tp = t + <usize>r * st + (<usize>c << 2);
      v128.store(tp, f32x4.mul(c00, al)); v128.store(tp, f32x4.mul(c01, al), 16);
      v128.store(tp + st, f32x4.mul(c10, al)); v128.store(tp + st, f32x4.mul(c11, al), 16);
      v128.store(tp + 2 * st, f32x4.mul(c20, al)); v128.store(tp + 2 * st, f32x4.mul(c21, al), 16);
      v128.store(tp + 3 * st, f32x4.mul(c30, al)); v128.store(tp + 3 * st, f32x4.mul(c31, al), 16);
    }
  }
}

/** c[r, e] += alpha · Σₖ p[r, k] · x[k, e] for r < rows, e < n, k < inner. */
function tileAccAB(p: usize, ldp: i32, x: usize, ldx: i32, rows: i32, n: i32, inner: i32, alpha: f32, c: usize, ldc: i32): void {
  const al = f32x4.splat(alpha);
  const sp = <usize>ldp << 2;
  const sx = <usize>ldx << 2;
  const sc = <usize>ldc << 2;
  for (let r = 0; r < rows; r += 4) {
    const p0 = p + <usize>r * sp;
    for (let e = 0; e < n; e += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let xp = x + (<usize>e << 2);
      let pp = p0;
      for (let k = 0; k < inner; k++) {
        const x0 = v128.load(xp), x1 = v128.load(xp, 16);
        let w = v128.load32_splat(pp);
        c00 = f32x4.add(c00, f32x4.mul(w, x0)); c01 = f32x4.add(c01, f32x4.mul(w, x1));
        w = v128.load32_splat(pp + sp);
        c10 = f32x4.add(c10, f32x4.mul(w, x0)); c11 = f32x4.add(c11, f32x4.mul(w, x1));
        w = v128.load32_splat(pp + 2 * sp);
        c20 = f32x4.add(c20, f32x4.mul(w, x0)); c21 = f32x4.add(c21, f32x4.mul(w, x1));
        w = v128.load32_splat(pp + 3 * sp);
        c30 = f32x4.add(c30, f32x4.mul(w, x0)); c31 = f32x4.add(c31, f32x4.mul(w, x1));
        xp += sx;
        pp += 4;
      }
      const cp = c + <usize>r * sc + (<usize>e << 2);
      accStore(cp, c00, c01, al);
      accStore(cp + sc, c10, c11, al);
      accStore(cp + 2 * sc, c20, c21, al);
      accStore(cp + 3 * sc, c30, c31, al);
    }
  }
}

/** c[k, e] += alpha · Σᵣ p[r, k] · x[r, e] for k < cols, e < n, r < inner (C += alpha·Pᵀ·X). */
function tileAccAtB(p: usize, ldp: i32, x: usize, ldx: i32, cols: i32, n: i32, inner: i32, alpha: f32, c: usize, ldc: i32): void {
  const al = f32x4.splat(alpha);
  const sp = <usize>ldp << 2;
  const sx = <usize>ldx << 2;
  const sc = <usize>ldc << 2;
  for (let k = 0; k < cols; k += 4) {
    for (let e = 0; e < n; e += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let xp = x + (<usize>e << 2);
      let pp = p + (<usize>k << 2);
      for (let r = 0; r < inner; r++) {
        const x0 = v128.load(xp), x1 = v128.load(xp, 16);
        let w = v128.load32_splat(pp);
        c00 = f32x4.add(c00, f32x4.mul(w, x0)); c01 = f32x4.add(c01, f32x4.mul(w, x1));
        w = v128.load32_splat(pp, 4);
        c10 = f32x4.add(c10, f32x4.mul(w, x0)); c11 = f32x4.add(c11, f32x4.mul(w, x1));
        w = v128.load32_splat(pp, 8);
        c20 = f32x4.add(c20, f32x4.mul(w, x0)); c21 = f32x4.add(c21, f32x4.mul(w, x1));
        w = v128.load32_splat(pp, 12);
        c30 = f32x4.add(c30, f32x4.mul(w, x0)); c31 = f32x4.add(c31, f32x4.mul(w, x1));
        xp += sx;
        pp += sp;
      }
      const cp = c + <usize>k * sc + (<usize>e << 2);
      accStore(cp, c00, c01, al);
      accStore(cp + sc, c10, c11, al);
      accStore(cp + 2 * sc, c20, c21, al);
      accStore(cp + 3 * sc, c30, c31, al);
    }
  }
}

@inline function accStore(cp: usize, lo: v128, hi: v128, al: v128): void {
  v128.store(cp, f32x4.add(v128.load(cp), f32x4.mul(lo, al)));
  v128.store(cp, f32x4.add(v128.load(cp, 16), f32x4.mul(hi, al)), 16);
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
    memory.fill(accB, 0, <usize>rows * rowBytes);
    for (let r = 0; r < rows; r++) {
      store<f32>(rowMax + (<usize>r << 2), -Infinity);
      store<f64>(rowSum + (<usize>r << 3), 0);
    }
    const jEnd = causal ? min(S, i0 + rowsReal) : S;
    for (let j0 = 0; j0 < jEnd; j0 += BC) {
      const cols = min(BC, jEnd - j0);
      const colsP = (cols + 7) & ~7;
      tileDotT(q + <usize>(i0 * Ep) * 4, Ep, kt + (<usize>j0 << 2), Sp, Ep, rows, colsP, scale, tileA, BC);
      maskTile(tileA, rowsReal, cols, colsP, i0, j0, fm, bm);
      for (let r = 0; r < rows; r++) {
        const row = tileA + <usize>(r * BC) * 4;
        if (r >= rowsReal) {
          memory.fill(row, 0, <usize>colsP << 2);
          continue;
        }
        let mv = f32x4.splat(-Infinity);
        for (let c = 0; c < colsP; c += 4) mv = f32x4.max(mv, v128.load(row + (<usize>c << 2)));
        const mOld = load<f32>(rowMax + (<usize>r << 2));
        const mNew = max(mOld, hmax(mv));
        if (mNew == -Infinity) {
          // Nothing visible in this row so far: exp(-inf - -inf) would be NaN.
          memory.fill(row, 0, <usize>colsP << 2);
          continue;
        }
        const mSplat = f32x4.splat(mNew);
        let sv = f32x4.splat(0);
        for (let c = 0; c < colsP; c += 4) {
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
          for (let c = 0; c < colsP; c += 4) {
            const at = row + (<usize>c << 2);
            v128.store(at, f32x4.mul(v128.load(at), dropFactors(key, j0 + c)));
          }
        }
      }
      tileAccAB(tileA, BC, v + <usize>(j0 * Evp) * 4, Evp, rows, Evp, colsP, 1, accB, Evp);
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
    memory.fill(accA, 0, <usize>colsP * ew);
    memory.fill(accB, 0, <usize>colsP * evw);
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
        tileDotT(qg + <usize>i0 * ew, Ep, kt + (<usize>j0 << 2), Sp, Ep, rows, colsP, scale, tileA, BC);
        maskTile(tileA, rowsReal, cols, colsP, i0, j0, fmg, bmg);
        tileDotT(dOg + <usize>i0 * evw, Evp, vt + (<usize>j0 << 2), Sp, Evp, rows, colsP, 1, tileB, BC);
        for (let r = 0; r < rows; r++) {
          const pRow = tileA + <usize>(r * BC) * 4;
          const dRowT = tileB + <usize>(r * BC) * 4;
          const i = i0 + r;
          const l = r < rowsReal ? load<f64>(lseg + (<usize>i << 3)) : -Infinity;
          if (l == -Infinity) {
            // Padding or a fully blocked row: zero weights and zero gradients.
            memory.fill(pRow, 0, <usize>colsP << 2);
            memory.fill(dRowT, 0, <usize>colsP << 2);
            continue;
          }
          const lv = f32x4.splat(<f32>l);
          const dv4 = f32x4.splat(load<f32>(dRowg + (<usize>i << 2)));
          const key = dropout ? rowKey(b, h, i) : 0;
          for (let c = 0; c < colsP; c += 4) {
            const at = <usize>c << 2;
            const p = exp4(f32x4.sub(v128.load(pRow + at), lv));
            const z = dropout ? dropFactors(key, j0 + c) : f32x4.splat(1);
            v128.store(dRowT + at, f32x4.mul(p, f32x4.sub(f32x4.mul(v128.load(dRowT + at), z), dv4)));
            v128.store(pRow + at, f32x4.mul(p, z));
          }
          if (dMask != 0) {
            const dm = dMask + <usize>(g * L * S + i * S + j0) * 4;
            memory.copy(dm, dRowT, <usize>cols << 2);
          }
        }
        tileAccAtB(tileA, BC, dOg + <usize>i0 * evw, Evp, colsP, Evp, rows, 1, accB, Evp);
        tileAccAB(tileB, BC, k + <usize>j0 * ew, Ep, rows, Ep, colsP, scale, dqg + <usize>i0 * ew, Ep);
        tileAccAtB(tileB, BC, qg + <usize>i0 * ew, Ep, colsP, Ep, rows, scale, accA, Ep);
      }
    }
    for (let c = 0; c < cols; c++) {
      memory.copy(dk + <usize>((j0 + c) * E) * 4, accA + <usize>c * ew, <usize>E << 2);
      memory.copy(dv + <usize>((j0 + c) * Ev) * 4, accB + <usize>c * evw, <usize>Ev << 2);
    }
  }
}

/** Copies n (rows, cols) matrices into zeroed (rowsP, colsP) slots. */
export function pack(src: usize, dst: usize, n: i32, rows: i32, cols: i32, rowsP: i32, colsP: i32): void {
  memory.fill(dst, 0, <usize>(n * rowsP * colsP) * 4);
  for (let m = 0; m < n; m++) {
    for (let r = 0; r < rows; r++) {
      memory.copy(dst + <usize>((m * rowsP + r) * colsP) * 4, src + <usize>((m * rows + r) * cols) * 4, <usize>cols << 2);
    }
  }
}

/** Copies n (rows, cols) matrices transposed into zeroed (colsP, rowsP) slots. */
export function packT(src: usize, dst: usize, n: i32, rows: i32, cols: i32, rowsP: i32, colsP: i32): void {
  memory.fill(dst, 0, <usize>(n * rowsP * colsP) * 4);
  for (let m = 0; m < n; m++) {
    const s = src + <usize>(m * rows * cols) * 4;
    const d = dst + <usize>(m * rowsP * colsP) * 4;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        store<f32>(d + <usize>(c * rowsP + r) * 4, load<f32>(s + <usize>(r * cols + c) * 4));
      }
    }
  }
}

/** Copies the (rows, cols) corners of n packed (rowsP, colsP) matrices out densely. */
export function unpack(src: usize, dst: usize, n: i32, rows: i32, cols: i32, rowsP: i32, colsP: i32): void {
  for (let m = 0; m < n; m++) {
    for (let r = 0; r < rows; r++) {
      memory.copy(dst + <usize>((m * rows + r) * cols) * 4, src + <usize>((m * rowsP + r) * colsP) * 4, <usize>cols << 2);
    }
  }
}
