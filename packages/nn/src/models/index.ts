export {
  TransformerBlock,
  type TransformerBlockOptions,
  type TransformerBlockForwardOptions,
  type NormModule,
} from './transformer-block.js';
export { GPT, type GPTConfig, type GPTOutput } from './gpt.js';
export { type GenerateOptions } from './generate.js';
export { type SamplingOptions } from './sampling.js';
