import alea from 'seedrandom/lib/alea.js';
import { ArgumentError } from './errors.js';

/** The serialisable state of a Generator; restoring it replays the same numbers. */
export interface GeneratorState {
  /** The integer seed the generator was last seeded with (`initialSeed()`). */
  seed: number;
  /** Alea's carry word. */
  c: number;
  /** Alea's three lagged state words, s0 the oldest. */
  s0: number;
  /** Alea's second state word. */
  s1: number;
  /** Alea's newest state word. */
  s2: number;
  /** A cached second normal deviate of the Box-Muller pair, or null. */
  spareNormal: number | null;
}

/**
 * A seeded pseudo-random number generator (seedrandom's Alea). Everything random in tsgrad
 * takes one, or uses the default generator that `manualSeed` reseeds.
 */
export class Generator {
  private prng: ReturnType<typeof alea>;
  private spareNormal: number | null = null;
  private currentSeed: number;

  /** Creates a generator from an integer seed. */
  constructor(seed = 0) {
    this.currentSeed = checkSeed(seed);
    this.prng = alea(String(this.currentSeed), { state: true });
  }

  /** Reseeds in place; returns this. */
  manualSeed(seed: number): this {
    this.currentSeed = checkSeed(seed);
    this.prng = alea(String(this.currentSeed), { state: true });
    this.spareNormal = null;
    return this;
  }

  /** The seed this generator was last seeded with. */
  initialSeed(): number {
    return this.currentSeed;
  }

  /** A uniform float in [0, 1) with 53 bits of randomness. */
  random(): number {
    return this.prng.double();
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    return this.prng.int32() >>> 0;
  }

  /** A standard normal deviate (Box-Muller, pairs cached). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [low, high). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  /** Snapshot of the state, for checkpoints. */
  getState(): GeneratorState {
    const s = this.prng.state();
    return { seed: this.currentSeed, c: s.c, s0: s.s0, s1: s.s1, s2: s.s2, spareNormal: this.spareNormal };
  }

  /** Restores a snapshot taken by `getState`. */
  setState(state: GeneratorState): this {
    this.currentSeed = state.seed;
    this.prng = alea('', { state: { c: state.c, s0: state.s0, s1: state.s1, s2: state.s2 } });
    this.spareNormal = state.spareNormal;
    return this;
  }
}

function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new ArgumentError(`Generator: seed must be a safe integer, got ${seed}`);
  return seed;
}

/** The generator used when an op is not given one. */
export const defaultGenerator = new Generator(0);

/** Reseeds the default generator (like `torch.manual_seed`); returns it. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
