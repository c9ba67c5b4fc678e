import { TsgradError } from '@tsgrad/core';

/** Which check a `GradcheckError` comes from. */
export type GradcheckFailure = 'jacobian' | 'nondeterministic' | 'undefinedGrad';

/** Details carried by a `GradcheckError`. */
export interface GradcheckErrorDetails {
  failure: GradcheckFailure;
  /** Position of the input in the checked list. */
  inputIndex: number;
  /** Input element (null where whole vectors were compared, in fastMode). */
  elementIndex: number[] | null;
  /** Output and output element involved (null for the undefined-gradient check). */
  outputIndex: number | null;
  outputElement: number[] | null;
  numerical: number;
  analytical: number;
}

/**
 * Thrown by `gradcheck`/`gradgradcheck` when `raiseException` is on: the message names the
 * input, the element, the numerical and analytical values; the same facts are fields.
 */
export class GradcheckError extends TsgradError {
  override name = 'GradcheckError';
  readonly failure: GradcheckFailure;
  readonly inputIndex: number;
  readonly elementIndex: number[] | null;
  readonly outputIndex: number | null;
  readonly outputElement: number[] | null;
  readonly numerical: number;
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
