// The page that scripts/browser-check/run.mjs opens in headless Chromium; posts its report
// to the server when done.
import { Generator, randn, randint } from '@tsgrad/core';
import { matmul, initWasmKernels, enableWebWorkerPool, disableWebWorkerPool, webWorkerPoolThreads } from '@tsgrad/ops';
import { GPT, AdamW, scaledDotProductAttention } from '@tsgrad/nn';

const lines = [];
const log = (s) => { lines.push(s); console.log(s); };
const same = (x, y) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
async function main() {
  log(`crossOriginIsolated ${globalThis.crossOriginIsolated}, hardwareConcurrency ${navigator.hardwareConcurrency}`);
  log(`initWasmKernels ${JSON.stringify(await initWasmKernels())}`);
  const g = new Generator(1);
  const a = randn([300, 200], { generator: g }), b = randn([200, 250], { generator: g });
  const q = randn([2, 4, 128, 32], { generator: g }), k = randn([2, 4, 128, 32], { generator: g }), v = randn([2, 4, 128, 32], { generator: g });
  const c1 = matmul(a, b).toTypedArray();
  const o1 = scaledDotProductAttention(q, k, v, { isCausal: true }).toTypedArray();
  const train = (steps) => {
    const model = new GPT({ vocabSize: 65, contextLength: 64, dModel: 64, numLayers: 2, numHeads: 4, dFf: 256, positional: 'learned', norm: 'layernorm', ffn: 'gelu', bias: false, dropout: 0, generator: new Generator(1337) });
    const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
    const gen = new Generator(7);
    const idx = randint(0, 65, [16, 64], { generator: gen });
    const losses = []; const t0 = performance.now();
    for (let s = 0; s < steps; s++) { const { loss } = model.forward(idx, idx); losses.push(loss.item()); opt.zeroGrad(); loss.backward(); opt.step(); }
    return { losses, ms: (performance.now() - t0) / steps };
  };
  const t1 = train(20);
  log(`1 thread: GPT loss ${t1.losses[0].toFixed(6)} -> ${t1.losses.at(-1).toFixed(6)}, ${t1.ms.toFixed(1)} ms/step`);
  const threads = await enableWebWorkerPool({ threads: 2, minGemmMacs: 0, minAttentionMacs: 0 });
  log(`enableWebWorkerPool -> ${threads} threads (webWorkerPoolThreads ${webWorkerPoolThreads()})`);
  const c2 = matmul(a, b).toTypedArray();
  const o2 = scaledDotProductAttention(q, k, v, { isCausal: true }).toTypedArray();
  log(`pooled matmul identical: ${same(c1, c2)}; pooled attention identical: ${same(o1, o2)}`);
  const t2 = train(20);
  log(`2 threads: GPT loss ${t2.losses[0].toFixed(6)} -> ${t2.losses.at(-1).toFixed(6)}, ${t2.ms.toFixed(1)} ms/step; losses identical: ${same(t1.losses, t2.losses)}`);
  await disableWebWorkerPool();
  log(`after disable: ${webWorkerPoolThreads()} thread`);
}
main().catch((e) => log(`ERROR ${e && e.stack || e}`)).finally(() => fetch('/report', { method: 'POST', body: lines.join('\n') }));
