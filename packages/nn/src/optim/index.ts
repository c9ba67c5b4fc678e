export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamsInput, type ParamState } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { lrCosineSchedule, lrStepSchedule, lrConstantSchedule, type CosineScheduleOptions } from './schedules.js';
export { clipGradNorm } from './clip-grad.js';
