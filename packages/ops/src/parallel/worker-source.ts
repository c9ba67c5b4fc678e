import { CALL_WIDTH, CLOSED, CONTROL, CONTROL_STRIDE, ERROR_BYTES } from './pool-protocol.js';

// The program a pool worker runs, as source text: workers are started from a string (Node's
// `eval: true`, a Blob URL for a Web Worker), so they load no file of this package and work the
// same from the TypeScript sources, the CommonJS build and the ES module build. Plain
// JavaScript with the protocol constants (pool-protocol.ts) filled in; it defines
// `runWorker(init, ready)` and each environment appends a bootstrap: Node's (src/node/) reads
// the WorkerInit from workerData, a Web Worker's from its first message. The claim loop is the
// one of ThreadPool.run (thread-pool.ts), which the calling thread runs. Workers may always
// block in Atomics.wait, browsers' included.

/**
 * The worker program without a bootstrap: defines `runWorker(init, ready)`, which serves the
 * pool until stopped and calls `ready()` once the kernels are instantiated. Node's bootstrap is
 * in src/node/worker-pool.ts (it names a Node module, so it stays out of this folder).
 */
export const WORKER_PROGRAM = `'use strict';
function runWorker(init, ready) {
  const { control, claim, calls, starts, work, errors, slot } = init;
  const spinMs = init.spinMicros / 1000;
  const base = slot * ${CONTROL_STRIDE};
  const SEQ = base + ${CONTROL.SEQ}, STOP = base + ${CONTROL.STOP};
  const STATUS = base + ${CONTROL.STATUS}, ERRLEN = base + ${CONTROL.ERRLEN}, RAN = base + ${CONTROL.RAN};
  const exportsOf = {};
  for (const key of Object.keys(init.modules)) {
    const env = { memory: init.memories[key], abort() { throw new Error('wasm abort'); } };
    exportsOf[key] = new WebAssembly.Instance(init.modules[key], { env }).exports;
  }
  const fns = init.functions.map(([module, name]) => (exportsOf[module] ? exportsOf[module][name] : undefined));
  const workArg = init.functions.map((f) => f[2]);
  const a = new Float64Array(${CALL_WIDTH});
  function runGroup(g) {
    for (let c = starts[g]; c < starts[g + 1]; c++) {
      a.set(calls.subarray(c * ${CALL_WIDTH}, (c + 1) * ${CALL_WIDTH}));
      const id = a[0];
      const f = fns[id];
      if (f === undefined) throw new Error('pool worker: no function ' + id);
      if (workArg[id] >= 0) a[1 + workArg[id]] = work[slot];
      f(a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15],
        a[16], a[17], a[18], a[19]);
    }
  }
  // The baseline job number is read before signalling ready: the first job may be posted
  // the moment the caller hears of it.
  let seq = Atomics.load(control, SEQ);
  ready();
  for (;;) {
    // Poll a while before sleeping: waking from Atomics.wait takes a few hundred microseconds
    // on a busy VM, longer than many products take.
    let next = Atomics.load(control, SEQ);
    const until = performance.now() + spinMs;
    while (next === seq && performance.now() < until) {
      for (let i = 0; i < 64 && next === seq; i++) next = Atomics.load(control, SEQ);
    }
    if (next === seq) {
      Atomics.wait(control, SEQ, seq);
      continue;
    }
    seq = next;
    if (Atomics.load(control, STOP) !== 0) break;
    for (;;) {
      const word = Atomics.load(claim, 0);
      const g = Number(word & 0xffffffffn);
      const groups = Atomics.load(control, ${CONTROL.GROUPS});
      if (g === ${CLOSED} || g >= groups) break;
      if (Atomics.compareExchange(claim, 0, word, word + 1n) !== word) continue;
      try {
        runGroup(g);
      } catch (e) {
        const text = new TextEncoder().encode(String((e && e.stack) || e)).subarray(0, ${ERROR_BYTES});
        errors.set(text);
        Atomics.store(control, ERRLEN, text.length);
        Atomics.store(control, STATUS, 1);
      }
      Atomics.add(control, RAN, 1);
      if (Atomics.add(control, ${CONTROL.FINISHED}, 1) + 1 === groups) Atomics.notify(control, ${CONTROL.FINISHED});
    }
  }
}
`;

/**
 * Worker source for a Web Worker (started from a Blob URL of this text): its first message is
 * the WorkerInit, it answers 'ready', then serves the pool until stopped. Takes no further
 * messages: the pool talks to it through shared memory only.
 */
export const WEB_WORKER_SOURCE =
  WORKER_PROGRAM +
  `self.onmessage = (event) => {
  self.onmessage = null;
  runWorker(event.data, () => self.postMessage('ready'));
};
`;
