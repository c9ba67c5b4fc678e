import { TsgradError } from '@tsgrad/core';

/** Which check a `GradcheckError` comes from. */
export type GradcheckFailure = 'jacobian' | 'nondeterministic' | 'undefinedGrad';

/** Details carried by a `GradcheckError`. */
export interface GradcheckErrorDetails {
  /** Which check failed. */
  failure: GradcheckFailure;
  /** Position of the input in the checked list. */
  inputIndex: number;
  /** Input element (null where whole vectors were compared, in fastMode). */
  elementIndex: number[] | null;
  /** Output and output element involved (null for the undefined-gradient check). */
  outputIndex: number | null;
  /** Element of that output (null for the undefined-gradient check and in fastMode). */
  outputElement: number[] | null;
  /** The finite-difference estimate of the failing entry. */
  numerical: number;
  /** The backward pass's value of the failing entry. */
  analytical: number;
}

/**
 * Thrown by `gradcheck`/`gradgradcheck` when `raiseException` is on: the message names the
 * input, the element, the numerical and analytical values; the same facts are fields.
 */
export class GradcheckError extends TsgradError {
  override name = 'GradcheckError';
  /** Which check failed. */
  readonly failure: GradcheckFailure;
  /** Position of the input in the checked list. */
  readonly inputIndex: number;
  /** Input element (null where whole vectors were compared, in fastMode). */
  readonly elementIndex: number[] | null;
  /** Output involved (null for the undefined-gradient check). */
  readonly outputIndex: number | null;
  /** Element of that output (null for the undefined-gradient check and in fastMode). */
  readonly outputElement: number[] | null;
  /** The finite-difference estimate of the failing entry. */
  readonly numerical: number;
  /** The backward pass's value of the failing entry. */
  readonly analytical: number;

  constructor(message: string, details: GradcheckErrorDetails) {
    super(message);
    this.failure = details.failure;
    this.inputIndex = details.inputIndex;
    this.elementIndex = details.elementIndex;
    this.outputIndex = details.outputIndex;
    this.outputElement = details.outputElement;
    this.numerical = details.numerical;
    this.analytical = details.analytical;
  }
}
