// Inputs and timing shared by the benchmark scripts (bench-gemm.mjs, bench-parallel.mjs; the
// inputs also by bench-attention.mjs).

/** n values in [-0.5, 0.5) from a linear congruential generator seeded with `seed`, as a `Ctor` array. */
export function random(n, seed, Ctor = Float32Array) {
  const out = new Ctor(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** A (batch of) m x k times k x n product as gemm() arguments; transA / transB read the operand transposed. */
export function problem({ m, n, k, batch = 1, transA = false, transB = false }) {
  return {
    m, n, k, batch,
    a: random(batch * m * k, 1), aRowStride: transA ? 1 : k, aColStride: transA ? m : 1,
    b: random(batch * k * n, 2), bRowStride: transB ? 1 : n, bColStride: transB ? k : 1,
    c: new Float32Array(batch * m * n), cRowStride: n,
    aOffsets: Array.from({ length: batch }, (_, t) => t * m * k),
    bOffsets: Array.from({ length: batch }, (_, t) => t * k * n),
    cOffsets: Array.from({ length: batch }, (_, t) => t * m * n),
  };
}

/** Best GFLOPS of `run(g)` over `seconds`, timing batches of calls of at least 5 ms. */
export function bestGflops(run, g, seconds) {
  const flops = 2 * g.m * g.n * g.k * g.batch;
  run(g);
  let reps = 1;
  let best = 0;
  const until = performance.now() + seconds * 1000;
  do {
    const start = performance.now();
    for (let r = 0; r < reps; r++) run(g);
    const ms = performance.now() - start;
    best = Math.max(best, (flops * reps) / ms / 1e6);
    if (ms < 5) reps *= 2;
  } while (performance.now() < until);
  return best;
}
