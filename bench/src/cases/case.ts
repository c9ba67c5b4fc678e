import type { Contender, TimingOptions } from '../harness.js';
import type { Peer, Runner } from '../peers/peer.js';
import type { Section } from '../report.js';

/** What every benchmark receives. */
export interface BenchContext {
  readonly peers: readonly Peer[];
  /** --quick: fewer sizes and repetitions, the whole run under a minute. */
  readonly quick: boolean;
  readonly timing: TimingOptions;
  /** Progress lines (stderr), so stdout stays a clean markdown report. */
  log(line: string): void;
}

/** One benchmark: a name for --only, and a run producing its report section. */
export interface BenchCase {
  readonly name: string;
  readonly summary: string;
  run(ctx: BenchContext): Promise<Section>;
}

/** One contender per peer, each building its Runner with `make`. */
export function contenders(peers: readonly Peer[], make: (p: Peer) => Runner | Promise<Runner>): Contender[] {
  return peers.map((p) => ({ lib: p.name, setup: () => make(p) }));
}
