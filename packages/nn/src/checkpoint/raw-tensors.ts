import { Tensor } from '@tsgrad/core';
import type { RawTensor } from '../safetensors/index.js';

/** A tensor's data as a safetensors RawTensor (a contiguous copy; bool as 0/1 bytes). */
export function toRawTensor(t: Tensor): RawTensor {
  return { dtype: t.dtype, shape: [...t.shape], data: t.toTypedArray() };
}

/** A RawTensor as a tsgrad Tensor (owns the data). */
export function fromRawTensor(raw: RawTensor): Tensor {
  return Tensor.fromData(raw.data, raw.shape);
}

/** Converts a map of tensors (a state dict) for `serializeSafetensors`. */
export function toRawTensors(tensors: Record<string, Tensor>): Record<string, RawTensor> {
  const out: Record<string, RawTensor> = Object.create(null) as Record<string, RawTensor>;
  for (const [name, t] of Object.entries(tensors)) out[name] = toRawTensor(t);
  return out;
}

/** Converts what `parseSafetensors` returns into tensors. */
export function fromRawTensors(raw: Record<string, RawTensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  for (const [name, r] of Object.entries(raw)) out[name] = fromRawTensor(r);
  return out;
}
