// Types for the one seedrandom algorithm tsgrad imports directly (no crypto, browser-safe).
declare module 'seedrandom/lib/alea.js' {
  interface AleaState {
    c: number;
    s0: number;
    s1: number;
    s2: number;
  }
  interface AleaPrng {
    (): number;
    double(): number;
    int32(): number;
    state(): AleaState;
  }
  function alea(seed?: string, options?: { state?: boolean | AleaState }): AleaPrng;
  export = alea;
}
