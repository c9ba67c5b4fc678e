/**
 * The contract every library under test implements. Inputs arrive as plain Float32Arrays
 * so that every library computes on bit-identical data; each peer copies them into its own
 * tensors once, outside the timed region.
 */

/** A dense row-major float32 array with its shape: the library-neutral exchange format. */
export interface HostTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** One timed unit of work. `run` must force completion and free what it allocated. */
export interface Runner {
  /**
   * Called before every warm-up run and timed sample, untimed: selects global state such as
   * tfjs's backend. Called again while that state is still set, so it must be idempotent.
   */
  prepare?(): void | Promise<void>;
  /** The timed work. */
  run(): void | Promise<void>;
  /**
   * Called after every timed sample and after the warm-up, untimed: undoes global state that
   * `prepare` set and that must not be active while other libraries run (a worker pool).
   */
  release?(): void | Promise<void>;
  /** Frees the inputs created at setup. */
  dispose(): void;
}

/**
 * A (batched) matrix product `op(a) · op(b)` where op transposes the last two dims when
 * asked. Transposed operands are given in their stored layout, as autograd sees them.
 */
export interface MatmulSpec {
  readonly a: HostTensor;
  readonly b: HostTensor;
  readonly transA: boolean;
  readonly transB: boolean;
}

/** Causal attention forward + backward on (B, H, T, d) inputs; dOut is the cotangent. */
export interface AttentionSpec {
  readonly q: HostTensor;
  readonly k: HostTensor;
  readonly v: HostTensor;
  readonly dOut: HostTensor;
}

/** The GPT every library builds: pre-norm LayerNorm, learned positions, GELU MLP, no bias. */
export interface GptConfig {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly dModel: number;
  readonly numHeads: number;
  readonly numLayers: number;
  readonly dFf: number;
  readonly normEps: number;
}

/** AdamW hyper-parameters, PyTorch semantics (decoupled weight decay on every parameter). */
export interface AdamWConfig {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

/** Token ids and next-token targets, both row-major (batch, time). */
export interface GptBatch {
  readonly idx: Int32Array;
  readonly targets: Int32Array;
  readonly batch: number;
  readonly time: number;
}

/** Weights keyed by tsgrad state-dict names; Linear weights are [out, in]. */
export type GptWeights = ReadonlyMap<string, HostTensor>;

/** Everything a GPT train step needs. */
export interface GptSpec {
  readonly config: GptConfig;
  readonly adamw: AdamWConfig;
  readonly weights: GptWeights;
  readonly batch: GptBatch;
}

/** One optimizer step per call; returns the loss computed before the update. */
export interface GptTrainer {
  prepare?(): void | Promise<void>;
  step(): number | Promise<number>;
  release?(): void | Promise<void>;
  dispose(): void;
}

/** A library under test. Setup work (copying inputs, tracing, compiling) happens here. */
export interface Peer {
  readonly name: string;
  /** A one-line description for the report (version, backend, threads). */
  readonly description: string;
  matmul(spec: MatmulSpec): Runner | Promise<Runner>;
  attention(spec: AttentionSpec): Runner | Promise<Runner>;
  gptTrainer(spec: GptSpec): GptTrainer | Promise<GptTrainer>;
}
