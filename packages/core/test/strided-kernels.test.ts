import { Generator, Tensor, arange, randn, type BinaryRow, type UnaryRow } from '../src/index.js';
import { mapBinary, mapUnary, updateInPlace } from '../src/kernels/elementwise.js';
import { copyStrided, copyStridedReference } from '../src/kernels/strided.js';

// The low-rank fast paths of the strided kernels against element-by-element references.

/** Element offset of every position of `t`, in row-major order of `shape` (t broadcast to it). */
function offsets(t: Tensor, shape: readonly number[]): number[] {
  const lead = shape.length - t.ndim;
  const out: number[] = [];
  const idx = new Array<number>(shape.length).fill(0);
  const total = shape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    let at = t.offset;
    for (let d = 0; d < t.ndim; d++) if (t.shape[d] !== 1) at += idx[lead + d]! * t.strides[d]!;
    out.push(at);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Views of a fresh random tensor that coalesce to one, two, three and more dims. */
function views(g: Generator): Tensor[] {
  const x = (shape: number[]) => randn(shape, { generator: g });
  return [
    x([37]),
    x([5, 7]),
    x([5, 40]).transpose(0, 1),
    x([3, 70]).slice(1, 2, 69, 2),
    x([4, 1, 9]).expand([4, 6, 9]),
    x([2, 33, 3]).permute([2, 0, 1]),
    x([16, 5, 4, 3]).transpose(1, 2), // the attention head split, ragged
    x([2, 64, 4, 16]).transpose(1, 2), // the attention head split at a block size (rows >= 32)
    x([3, 4, 5, 6, 2]).permute([4, 2, 0, 3, 1]),
    x([6, 8]).slice(0, 1, 5).slice(1, 0, 8, 3),
    x([0, 3]).transpose(0, 1),
  ];
}

describe('copyStrided fast paths', () => {
  const g = new Generator(5);
  for (const v of views(g)) {
    test(`shape [${v.shape}] strides [${v.strides}] offset ${v.offset}`, () => {
      const fast = new Float32Array(v.size + 3).fill(-1);
      const ref = new Float32Array(v.size + 3).fill(-1);
      copyStrided(v.storage.data, v.offset, v.strides, v.shape, fast, 2);
      copyStridedReference(v.storage.data, v.offset, v.strides, v.shape, ref, 2);
      expect(Array.from(fast)).toEqual(Array.from(ref));
      const src = v.storage.data;
      expect(Array.from(fast.subarray(2, 2 + v.size))).toEqual(offsets(v, v.shape).map((o) => src[o]!));
    });
  }

  test('copies between dtypes convert like element assignment', () => {
    const v = arange(40, { dtype: 'float64' }).reshape([40]);
    const dst = new Int32Array(40);
    copyStrided(v.storage.data, 0, [1], [40], dst);
    expect(Array.from(dst)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});

const subRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! - 2 * b[bi]!;
};
const squareRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = x[xi]! * x[xi]!;
};

describe('mapBinary / mapUnary / updateInPlace over every coalesced rank', () => {
  const g = new Generator(9);
  const all = views(g).filter((v) => v.size > 0);
  for (const a of all) {
    // b: a same-shape view, a trailing row and a leading column broadcast against a.
    const partners = [
      randn(a.shape, { generator: g }).mul(1),
      randn(a.shape.slice(-1), { generator: g }),
      randn([a.shape[0]!, ...a.shape.slice(1).map(() => 1)], { generator: g }),
    ];
    for (const b of partners) {
      test(`[${a.shape}] (strides [${a.strides}]) with [${b.shape}]`, () => {
        const ao = offsets(a, a.shape);
        const bo = offsets(b, a.shape);
        const ad = a.storage.data;
        const bd = b.storage.data;
        const want = ao.map((o, i) => Math.fround(ad[o]! - 2 * bd[bo[i]!]!));
        expect(Array.from(mapBinary('sub', a, b, 'float32', subRow).storage.data)).toEqual(want);
        expect(Array.from(mapUnary(a, 'float32', squareRow).storage.data)).toEqual(ao.map((o) => Math.fround(ad[o]! * ad[o]!)));
        const target = a.contiguous().clone().transpose(0, a.ndim - 1).contiguous().transpose(0, a.ndim - 1);
        updateInPlace(target, b, subRow);
        expect(Array.from(target.toTypedArray())).toEqual(want);
      });
    }
  }
});
