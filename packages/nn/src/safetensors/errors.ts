/**
 * Raised for every malformed safetensors file and every tensor or metadata value that cannot
 * be written. The message starts with the function name and names the tensor key, offsets or
 * sizes involved, e.g.
 * `parseSafetensors: tensor "w": data_offsets [0,12] hold 12 bytes, but shape [2,3] of F32 needs 24`.
 */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}
