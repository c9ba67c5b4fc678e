import { Tensor, TsgradError, copy_, fmtShape, noGrad, shapesEqual } from '@tsgrad/core';

/** Tensors by dotted name, as `Module.stateDict()` returns them. */
export type StateDict = Record<string, Tensor>;

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /** Refuse missing and unexpected keys (default true). Shape/dtype mismatches are always refused. */
  strict?: boolean;
}

/** What `loadStateDict` did not match. */
export interface LoadStateDictResult {
  /** Names the module has but the state dict lacks (left unchanged). */
  missingKeys: string[];
  /** Names the state dict has but the module lacks (ignored). */
  unexpectedKeys: string[];
}

/** A state dict that does not fit a module; lists every problem, nothing was changed. */
export class StateDictError extends TsgradError {
  override name = 'StateDictError';

  constructor(
    message: string,
    /** Keys the module needs that the state dict lacks. */
    readonly missingKeys: readonly string[],
    /** Keys of the state dict the module does not have. */
    readonly unexpectedKeys: readonly string[],
    /** One line per key whose shape or dtype differs. */
    readonly mismatches: readonly string[],
  ) {
    super(message);
  }
}

/**
 * Validates `source` against the module's `targets` (name → tensor, tied tensors under each
 * name), then copies every matching entry in place. Throws one StateDictError listing every
 * problem before anything is written.
 */
export function loadIntoTargets(
  targets: readonly [string, Tensor][],
  source: StateDict | ReadonlyMap<string, Tensor>,
  strict: boolean,
): LoadStateDictResult {
  const entries = source instanceof Map ? new Map(source) : new Map(Object.entries(source as StateDict));
  const wanted = new Map(targets);
  const missingKeys = [...wanted.keys()].filter((k) => !entries.has(k));
  const unexpectedKeys = [...entries.keys()].filter((k) => !wanted.has(k));
  const mismatches: string[] = [];
  const copies: [Tensor, Tensor][] = [];
  for (const [name, target] of wanted) {
    const value = entries.get(name);
    if (value === undefined) continue;
    if (!(value instanceof Tensor)) {
      mismatches.push(`'${name}': expected a Tensor, got ${value === null ? 'null' : typeof value}`);
    } else if (!shapesEqual(value.shape, target.shape) || value.dtype !== target.dtype) {
      mismatches.push(
        `'${name}': checkpoint ${fmtShape(value.shape)} ${value.dtype}, model ${fmtShape(target.shape)} ${target.dtype}`,
      );
    } else {
      copies.push([target, value as Tensor]);
    }
  }
  const problems: string[] = [];
  if (strict && missingKeys.length > 0) problems.push(`missing keys: ${missingKeys.join(', ')}`);
  if (strict && unexpectedKeys.length > 0) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
  if (mismatches.length > 0) problems.push(`shape/dtype mismatches: ${mismatches.join('; ')}`);
  if (problems.length > 0) {
    throw new StateDictError(
      `loadStateDict: state dict does not fit the module (nothing was loaded): ${problems.join('. ')}`,
      missingKeys,
      unexpectedKeys,
      mismatches,
    );
  }
  noGrad(() => {
    // A source that aliases some target (a model's own state dict, reshuffled) is read before any write.
    const written = new Set(copies.map(([target]) => target.storage));
    const sources = copies.map(([, value]) => (written.has(value.storage) ? value.clone() : value));
    copies.forEach(([target], i) => copy_(target, sources[i]!));
  });
  return { missingKeys, unexpectedKeys };
}
