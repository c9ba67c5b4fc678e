import type { RawTensor } from '../../src/safetensors/index.js';

/**
 * Assembles a safetensors file by hand: `header` is written verbatim (no padding) after an
 * 8-byte little-endian length, which `headerLength` overrides to forge a corrupt prefix.
 */
export function buildFile(header: string | Uint8Array, data: ArrayLike<number> = [], headerLength?: bigint): Uint8Array {
  const json = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(Array.from(data), 8 + json.length);
  return out;
}

/** The raw bytes of a typed array, for bit-exact comparisons (NaN payloads, -0). */
export function bitsOf(data: RawTensor['data']): number[] {
  return Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** The JSON header of a file, with the data buffer's start. */
export function headerOf(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  return { header, dataStart: 8 + n };
}
