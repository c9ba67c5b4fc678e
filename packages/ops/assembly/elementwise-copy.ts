// Gathers a strided float32 view of up to four dims into a row-major block: the head split
// and merge of attention (a permute then a copy). Unit inner stride copies four at a time.

/**
 * dst[i0, i1, i2, i3] = src[i0·t0 + i1·t1 + i2·t2 + i3·t3] for the shape s0 × s1 × s2 × s3
 * (strides in elements, non-negative), dst row-major.
 */
export function copyStrided4(src: usize, dst: usize, s0: i32, s1: i32, s2: i32, s3: i32, t0: i32, t1: i32, t2: i32, t3: i32): void {
  let o = dst;
  for (let i0 = 0; i0 < s0; i0++) {
    for (let i1 = 0; i1 < s1; i1++) {
      for (let i2 = 0; i2 < s2; i2++) {
        const a = src + (<usize>(i0 * t0 + i1 * t1 + i2 * t2) << 2);
        if (t3 === 1) {
          let j = 0;
          for (; j + 4 <= s3; j += 4) v128.store(o + (<usize>j << 2), v128.load(a + (<usize>j << 2)));
          for (; j < s3; j++) store<f32>(o + (<usize>j << 2), load<f32>(a + (<usize>j << 2)));
        } else {
          for (let j = 0; j < s3; j++) store<f32>(o + (<usize>j << 2), load<f32>(a + (<usize>(j * t3) << 2)));
        }
        o += <usize>s3 << 2;
      }
    }
  }
}
