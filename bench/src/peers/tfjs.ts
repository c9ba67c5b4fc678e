import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { AttentionSpec, GptSpec, GptTrainer, MatmulSpec, Peer, Runner } from './peer.js';
import { tfjsGptTrainer } from './tfjs-gpt.js';
import { tfjsCausalAttention, tfjsCausalMaskBias, toTf } from './tfjs-ops.js';

/**
 * TensorFlow.js 4.22 on its pure-JS CPU backend or its WebAssembly (XNNPACK) backend,
 * single-threaded. The `@tensorflow/tfjs` umbrella package is imported rather than
 * tfjs-core alone because only it registers the gradient functions that tf.grads needs.
 * Both backends live in one tfjs engine; every runner re-selects its backend before each
 * sample (untimed), and its tensors are created on that backend so nothing migrates.
 */
export type TfjsBackend = 'cpu' | 'wasm';

async function select(backend: TfjsBackend): Promise<void> {
  if (tf.getBackend() === backend) return;
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend '${backend}' failed to initialise`);
}

function silenceNodeBanner(): void {
  // The CPU backend prints a "use tfjs-node" banner on first use in Node; it would land in
  // the middle of our tables. The flag is internal, so only touch it if it is there.
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
}

function matmulRunner(backend: TfjsBackend, spec: MatmulSpec): Runner {
  const a = toTf(spec.a);
  const b = toTf(spec.b);
  return {
    prepare: () => select(backend),
    run: () => {
      const c = tf.matMul(a, b, spec.transA, spec.transB);
      c.dataSync();
      c.dispose();
    },
    dispose: () => tf.dispose([a, b]),
  };
}

function attentionRunner(backend: TfjsBackend, spec: AttentionSpec): Runner {
  const [q, k, v, dOut] = [spec.q, spec.k, spec.v, spec.dOut].map(toTf);
  const mask = tfjsCausalMaskBias(spec.q.shape[2]);
  const gradFn = tf.grads((qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) => tfjsCausalAttention(qq, kk, vv, mask));
  return {
    prepare: () => select(backend),
    run: () => {
      const grads = tf.tidy(() => gradFn([q, k, v], dOut));
      for (const g of grads) g.dataSync();
      tf.dispose(grads);
    },
    dispose: () => tf.dispose([q, k, v, dOut, mask]),
  };
}

/** Initialises the backend (wasm: one XNNPACK thread) and returns the peer. */
export async function tfjsPeer(backend: TfjsBackend): Promise<Peer> {
  if (backend === 'wasm') setThreadsCount(1);
  await select(backend);
  silenceNodeBanner();
  const threads = backend === 'wasm' ? `, ${getThreadsCount()} thread` : '';
  const name = `tfjs-${backend}`;
  const onBackend = async <T>(make: () => T): Promise<T> => {
    await select(backend);
    return make();
  };
  return {
    name,
    description: `@tensorflow/tfjs ${tf.version.tfjs}, ${backend} backend${threads}`,
    matmul: (spec) => onBackend(() => matmulRunner(backend, spec)),
    attention: (spec) => onBackend(() => attentionRunner(backend, spec)),
    gptTrainer: (spec: GptSpec): Promise<GptTrainer> =>
      onBackend(() => {
        const trainer = tfjsGptTrainer(spec, name);
        return { ...trainer, prepare: () => select(backend) };
      }),
  };
}
