import { errorMessage } from '../harness.js';
import { THREADED } from '../report.js';
import type { Peer } from './peer.js';

/**
 * Every library the benchmarks know (their --libs names), tsgrad first (the baseline of every
 * ratio). `tsgrad-2t` is tsgrad on its two-thread worker pool; its column reads `tsgrad 2T`.
 */
export const ALL_LIBS = ['tsgrad', 'tsgrad-2t', 'tfjs-cpu', 'tfjs-wasm', 'jax-js'] as const;

/** A library name. */
export type LibName = (typeof ALL_LIBS)[number];

// Peers are loaded with require() inside try/catch, not imported at the top: a library that
// fails to load (tsgrad mid-rewrite, a broken peer install) then fails its own columns with
// its message instead of taking the whole run down.
async function load(lib: LibName): Promise<Peer> {
  switch (lib) {
    case 'tsgrad':
      return (require('./tsgrad.js') as typeof import('./tsgrad.js')).tsgradPeer();
    case 'tsgrad-2t':
      return (require('./tsgrad-threads.js') as typeof import('./tsgrad-threads.js')).tsgradThreadsPeer(2);
    case 'tfjs-cpu':
      return (require('./tfjs.js') as typeof import('./tfjs.js')).tfjsPeer('cpu');
    case 'tfjs-wasm':
      return (require('./tfjs.js') as typeof import('./tfjs.js')).tfjsPeer('wasm');
    case 'jax-js':
      return (require('./jax.js') as typeof import('./jax.js')).jaxPeer();
  }
}

/** A stand-in whose every benchmark fails with the reason the library could not load. */
function unavailable(name: string, reason: string): Peer {
  const fail = (): never => {
    throw new Error(`${name} could not be loaded: ${reason}`);
  };
  return { name, description: `unavailable: ${reason}`, matmul: fail, attention: fail, gptTrainer: fail };
}

/** Loads the requested libraries in the canonical order. */
export async function loadPeers(libs: readonly LibName[]): Promise<Peer[]> {
  const peers: Peer[] = [];
  for (const lib of ALL_LIBS) {
    if (!libs.includes(lib)) continue;
    try {
      peers.push(await load(lib));
    } catch (e) {
      peers.push(unavailable(lib === 'tsgrad-2t' ? THREADED : lib, errorMessage(e)));
    }
  }
  return peers;
}
