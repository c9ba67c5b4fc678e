/**
 * Copies `src` into a fresh, zero-offset buffer, reversing the bytes of each `itemSize`-byte
 * element when `swap` is set. Safetensors data is little-endian, so callers swap exactly when
 * the host is big-endian. A fresh buffer is always returned: file data may sit at any byte
 * offset, and a Float32Array or Float64Array view needs an aligned start, so the copy is what
 * makes the typed-array view legal. Swapping bytes (not values through a DataView) keeps NaN
 * payloads bit-exact.
 */
export function copyLittleEndian(src: Uint8Array, itemSize: number, swap: boolean): Uint8Array {
  const out = new Uint8Array(src.length);
  if (!swap || itemSize === 1) {
    out.set(src);
    return out;
  }
  for (let i = 0; i < src.length; i += itemSize) {
    for (let b = 0; b < itemSize; b++) out[i + b] = src[i + itemSize - 1 - b];
  }
  return out;
}

/** The bytes of a typed array, as a view that shares its memory (no copy). */
export function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
