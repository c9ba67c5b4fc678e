import { setFlagsFromString } from 'node:v8';
import {
  attentionBackwardReference,
  attentionBackwardWasm,
  attentionForwardReference,
  attentionForwardWasm,
  loadAttentionWasm,
} from '../../src/kernels/attention.js';
import { expectFloat32Matches, fusedCases, makeCase, makeRng, randomArray } from './attention-fixtures.js';
import type { Float32Backend } from './attention-fixtures.js';

// Node 20 ships relaxed SIMD behind a flag; turning it on here lets the FMA build be tested.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const relaxed: Float32Backend = {
  forward: (a) => attentionForwardWasm(a, loadAttentionWasm('relaxed-simd')),
  backward: (a, o, l, d, want) => attentionBackwardWasm(a, o, l, d, want, loadAttentionWasm('relaxed-simd')),
};

test('the relaxed SIMD build loads once the runtime validates relaxed SIMD', () => {
  expect(loadAttentionWasm('relaxed-simd')).not.toBeNull();
});

test.each(fusedCases)('relaxed SIMD (FMA) matches the float64 reference to 1e-5: %s', (_name, shape, opts) => {
  const a64 = makeCase(11, shape, opts);
  const dOut = randomArray(makeRng(5), shape.B * shape.Hq * shape.L * shape.Ev);
  const wantMaskGrad = a64.floatMask !== undefined;
  const ref = attentionForwardReference(a64);
  expectFloat32Matches(relaxed, a64, dOut, ref.out, attentionBackwardReference(a64, dOut, { wantMaskGrad }), 1e-5);
});
