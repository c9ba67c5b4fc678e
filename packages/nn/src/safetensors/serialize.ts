import { bytesOf, copyLittleEndian } from './byte-order.js';
import {
  DATA_CLASS_NAME,
  dataMatchesDType,
  FILE_DTYPE,
  fmt,
  FORBIDDEN_KEYS,
  HOST_LITTLE_ENDIAN,
  isRawTensorDType,
  ITEM_SIZE,
  type RawTensor,
} from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { MAX_HEADER_BYTES } from './header.js';

/** A lone UTF-16 surrogate cannot be written as UTF-8; the reference reader refuses its escape. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Writes tensors and optional string metadata as a safetensors file: an 8-byte little-endian
 * header length, a compact JSON header padded with spaces to a multiple of 8 bytes (so the
 * data buffer starts 8-aligned, as the reference implementation writes it), then each
 * tensor's little-endian bytes, contiguous from offset 0 in sorted key order (by UTF-8
 * bytes, which is code point order). `__metadata__` comes first in the header and is left out
 * when there is no metadata.
 *
 * @throws SafetensorsError, before writing anything, for an empty, reserved or prototype key,
 *   an unknown dtype, data of the wrong typed array, a shape whose product differs from the
 *   data length, BOOL data other than 0/1, and metadata values that are not strings.
 */
export function serializeSafetensors(tensors: Record<string, RawTensor>, metadata?: Record<string, string>): Uint8Array {
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors)) {
    throw new SafetensorsError('serializeSafetensors: tensors must be an object mapping names to tensors');
  }
  const names = Object.keys(tensors).sort(compareUtf8);
  for (const name of names) checkTensor(name, tensors[name]);
  const meta = metadata === undefined ? [] : checkMetadata(metadata);

  const parts: string[] = [];
  if (meta.length > 0) {
    const pairs = meta.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`"__metadata__":{${pairs.join(',')}}`);
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const end = offset + t.data.byteLength;
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${FILE_DTYPE[t.dtype]}","shape":${fmt(t.shape)},"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new SafetensorsError(
      `serializeSafetensors: header would be ${headerLength} bytes, above the ${MAX_HEADER_BYTES}-byte limit readers enforce`,
    );
  }

  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20 /* space */, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const name of names) {
    const t = tensors[name];
    const itemSize = ITEM_SIZE[FILE_DTYPE[t.dtype]];
    const bytes = HOST_LITTLE_ENDIAN ? bytesOf(t.data) : copyLittleEndian(bytesOf(t.data), itemSize, true);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

function checkTensor(name: string, t: RawTensor | undefined): void {
  const where = `serializeSafetensors: tensor ${JSON.stringify(name)}`;
  if (name === '') throw new SafetensorsError('serializeSafetensors: tensor names must be non-empty');
  if (name === '__metadata__') {
    throw new SafetensorsError('serializeSafetensors: "__metadata__" is reserved for metadata and cannot name a tensor');
  }
  checkKey(name, 'tensor name');
  if (typeof t !== 'object' || t === null) throw new SafetensorsError(`${where}: expected { dtype, shape, data }`);
  if (!isRawTensorDType(t.dtype)) {
    throw new SafetensorsError(
      `${where}: unsupported dtype ${JSON.stringify(t.dtype)} (expected ${Object.keys(FILE_DTYPE).join(', ')})`,
    );
  }
  if (!dataMatchesDType(t.data, t.dtype)) {
    const got = ArrayBuffer.isView(t.data) ? t.data.constructor.name : typeof t.data;
    throw new SafetensorsError(`${where}: dtype ${t.dtype} needs a ${DATA_CLASS_NAME[t.dtype]} as data, got ${got}`);
  }
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(`${where}: shape must be an array of non-negative integers, got ${String(t.shape)}`);
  }
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (size !== t.data.length) {
    throw new SafetensorsError(
      `${where}: shape ${fmt(t.shape)} holds ${size} elements but data has ${t.data.length}`,
    );
  }
  if (t.dtype === 'bool') {
    const i = t.data.findIndex((v) => v > 1);
    if (i >= 0) throw new SafetensorsError(`${where}: bool element ${i} is ${t.data[i]}, expected 0 or 1`);
  }
}

/** Validates the metadata map and returns its entries in the order they are written. */
function checkMetadata(metadata: Record<string, string>): [string, string][] {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new SafetensorsError('serializeSafetensors: metadata must be an object of string values');
  }
  const keys = Object.keys(metadata).sort(compareUtf8);
  for (const key of keys) {
    checkKey(key, 'metadata key');
    const value: unknown = metadata[key];
    if (typeof value !== 'string') {
      throw new SafetensorsError(
        `serializeSafetensors: metadata value for key ${JSON.stringify(key)} must be a string, got ${typeof value}`,
      );
    }
    if (LONE_SURROGATE.test(value)) {
      throw new SafetensorsError(
        `serializeSafetensors: metadata value for key ${JSON.stringify(key)} contains a lone UTF-16 surrogate`,
      );
    }
  }
  return keys.map((k) => [k, metadata[k]]);
}

/** Keys the reader would refuse are refused here too, so every file written can be read. */
function checkKey(key: string, what: string): void {
  if (FORBIDDEN_KEYS.has(key)) {
    throw new SafetensorsError(`serializeSafetensors: ${what} ${JSON.stringify(key)} is not allowed (prototype key)`);
  }
  if (LONE_SURROGATE.test(key)) {
    throw new SafetensorsError(`serializeSafetensors: ${what} ${JSON.stringify(key)} contains a lone UTF-16 surrogate`);
  }
}

/** Orders strings by code point, which is the byte order of their UTF-8 encodings. */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
