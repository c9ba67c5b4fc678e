import { Generator, randn, tensor, type Tensor } from '@tsgrad/core';
import { MultiHeadSelfAttention, scaledDotProductAttention, type SdpaImplementation, type SdpaOptions } from '@tsgrad/nn';
import type { GradcheckCase } from './case.js';

/** The attention gradchecks the command knows, in the order it runs them. */
export const ATTENTION_CASES = ['sdpa-none', 'sdpa-bool', 'sdpa-float', 'sdpa-causal', 'sdpa-fully-masked', 'sdpa-gqa', 'mhsa', 'mhsa-rope'] as const;

/** An attention case name. */
export type AttentionCaseName = (typeof ATTENTION_CASES)[number];

/** Shapes of the attention gradchecks. */
export interface AttentionShapes {
  batch: number;
  /** Query heads (MHSA: heads). */
  heads: number;
  /** Key/value heads of the GQA case; divides `heads`. */
  kvHeads: number;
  /** Query length L (MHSA: sequence length). */
  len: number;
  /** Key length S. */
  kvLen: number;
  /** Query/key size E (MHSA: head size, dModel = heads · headDim). */
  headDim: number;
  /** Value size Ev. */
  valueDim: number;
}

/** How a case is titled in the output: `sdpa/causal [fused]`, `mhsa/rope`. */
export function caseTitle(name: AttentionCaseName, impl: SdpaImplementation): string {
  return name.startsWith('sdpa-') ? `${name.replace('sdpa-', 'sdpa/')} [${impl}]` : name.replace('mhsa-', 'mhsa/');
}

function leaf(shape: number[], g: Generator): Tensor {
  const t = randn(shape, { dtype: 'float64', generator: g });
  t.requiresGrad = true;
  return t;
}

/** A bool (L, S) mask where query i may see key i mod S and about half the others. */
function boolMask(L: number, S: number, g: Generator, blockedRows: readonly number[] = []): Tensor {
  const rows = Array.from({ length: L }, (_, i) =>
    Array.from({ length: S }, (_, j) => !blockedRows.includes(i) && (j === i % S || g.random() < 0.5)),
  );
  return tensor(rows, { dtype: 'bool' });
}

/** Builds one attention case for one implementation (MHSA cases ignore `impl`). */
export function attentionCase(name: AttentionCaseName, s: AttentionShapes, impl: SdpaImplementation, seed: number): GradcheckCase {
  const g = new Generator(seed);
  const { batch: B, heads: H, len: L, kvLen: S, headDim: E, valueDim: Ev } = s;
  if (name === 'mhsa' || name === 'mhsa-rope') return mhsaCase(name, s, g);
  const kvH = name === 'sdpa-gqa' ? s.kvHeads : H;
  const q = leaf([B, H, L, E], g);
  const k = leaf([B, kvH, S, E], g);
  const v = leaf([B, kvH, S, Ev], g);
  type TensorResult = SdpaOptions & { returnWeights?: false };
  const base: TensorResult = { implementation: impl };
  const title = caseTitle(name, impl);
  const sdpa = (opts: TensorResult) => (qq: Tensor, kk: Tensor, vv: Tensor) => scaledDotProductAttention(qq, kk, vv, { ...base, ...opts });
  switch (name) {
    case 'sdpa-none':
      return { name: title, fn: sdpa({}), inputs: [q, k, v], names: ['q', 'k', 'v'] };
    case 'sdpa-bool':
      return { name: title, fn: sdpa({ attnMask: boolMask(L, S, g) }), inputs: [q, k, v], names: ['q', 'k', 'v'] };
    case 'sdpa-float': {
      const mask = leaf([L, S], g);
      return {
        name: title,
        fn: (qq, kk, vv, mm) => scaledDotProductAttention(qq!, kk!, vv!, { ...base, attnMask: mm! }),
        inputs: [q, k, v, mask],
        names: ['q', 'k', 'v', 'mask'],
      };
    }
    case 'sdpa-causal':
      return { name: title, fn: sdpa({ isCausal: true }), inputs: [q, k, v], names: ['q', 'k', 'v'] };
    case 'sdpa-fully-masked':
      return { name: title, fn: sdpa({ attnMask: boolMask(L, S, g, [0, L - 1]) }), inputs: [q, k, v], names: ['q', 'k', 'v'] };
    case 'sdpa-gqa':
      return { name: title, fn: sdpa({ enableGqa: true, isCausal: true }), inputs: [q, k, v], names: ['q', 'k', 'v'] };
  }
}

/** MHSA in float64, checked against its input and all four projection weights. */
function mhsaCase(name: 'mhsa' | 'mhsa-rope', s: AttentionShapes, g: Generator): GradcheckCase {
  const dModel = s.heads * s.headDim;
  const attn = new MultiHeadSelfAttention({
    dModel,
    numHeads: s.heads,
    causal: true,
    dtype: 'float64',
    generator: g,
    ...(name === 'mhsa-rope' ? { rope: { theta: 10000, maxSeqLen: Math.max(16, s.len) } } : {}),
  });
  const x = leaf([s.batch, s.len, dModel], g);
  // gradcheck perturbs its inputs in place, so passing the module's own weights checks them too.
  const params = attn.namedParameters();
  return {
    name: caseTitle(name, 'fused'),
    fn: (xx) => attn.forward(xx!),
    inputs: [x, ...params.map(([, p]) => p)],
    names: ['x', ...params.map(([n]) => n)],
  };
}
