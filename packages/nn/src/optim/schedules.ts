import { ArgumentError } from '@tsgrad/core';

/** Options of the warmup + cosine schedule. */
export interface CosineScheduleOptions {
  /** Peak learning rate, reached at the end of warmup. */
  maxLr: number;
  /** Floor reached at `cosineSteps` and kept after. */
  minLr: number;
  /** Steps of linear warmup from 0 to maxLr. */
  warmupSteps: number;
  /** The step at which the cosine decay ends (counted from 0, warmup included). */
  cosineSteps: number;
}

/**
 * Linear warmup then cosine decay to a floor (CS336's `get_lr_cosine_schedule`):
 * t < Tw: t/Tw·max; Tw ≤ t ≤ Tc: min + ½(1 + cos(π(t−Tw)/(Tc−Tw)))(max−min); t > Tc: min.
 */
export function lrCosineSchedule(step: number, opts: CosineScheduleOptions): number {
  const { maxLr, minLr, warmupSteps, cosineSteps } = opts;
  if (warmupSteps < 0 || cosineSteps < warmupSteps) {
    throw new ArgumentError(`lrCosineSchedule: need 0 <= warmupSteps <= cosineSteps, got ${warmupSteps} and ${cosineSteps}`);
  }
  if (step < warmupSteps) return (step / warmupSteps) * maxLr;
  if (step > cosineSteps) return minLr;
  if (cosineSteps === warmupSteps) return maxLr;
  const progress = (step - warmupSteps) / (cosineSteps - warmupSteps);
  return minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (maxLr - minLr);
}

/** Step decay: `lr · gamma^⌊step / stepSize⌋` (like `torch.optim.lr_scheduler.StepLR`). */
export function lrStepSchedule(step: number, opts: { lr: number; stepSize: number; gamma: number }): number {
  if (!(opts.stepSize > 0)) throw new ArgumentError(`lrStepSchedule: stepSize must be positive, got ${opts.stepSize}`);
  return opts.lr * opts.gamma ** Math.floor(step / opts.stepSize);
}

/** A constant learning rate, optionally after a linear warmup. */
export function lrConstantSchedule(step: number, opts: { lr: number; warmupSteps?: number }): number {
  const warmup = opts.warmupSteps ?? 0;
  return step < warmup ? (step / warmup) * opts.lr : opts.lr;
}
