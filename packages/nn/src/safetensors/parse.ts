import { decodeTensor } from './decode-tensor.js';
import { fmt, isSafetensorsDType, ITEM_SIZE, type RawTensor, type SafetensorsDType } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { readHeader } from './header.js';

/** A header entry that passed every check on its own; coverage is checked across entries. */
interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses a safetensors file held in memory. Everything is validated before anything is
 * returned: the header (see `readHeader`), the metadata (a string -> string map), every entry
 * (known dtype, non-negative integer shape, offsets inside the data buffer whose length is
 * `product(shape) * itemsize`), that the tensors tile the data buffer exactly (no overlap, no
 * gap, no trailing bytes), and the values (BOOL bytes 0/1, I64 within int32). Every tensor
 * owns a fresh, aligned copy of its data, so `bytes` may be reused afterwards and tensors may
 * sit at any byte offset. The result objects have no prototype, so no key can shadow one.
 *
 * @throws SafetensorsError naming the tensor, offsets and sizes involved.
 */
export function parseSafetensors(bytes: Uint8Array): {
  tensors: Record<string, RawTensor>;
  metadata: Record<string, string>;
} {
  if (!(bytes instanceof Uint8Array)) {
    throw new SafetensorsError(`parseSafetensors: expected a Uint8Array, got ${describe(bytes)}`);
  }
  const { header, dataStart } = readHeader(bytes);
  const dataLength = bytes.length - dataStart;
  const metadata = readMetadata(header['__metadata__']);
  const entries: Entry[] = [];
  for (const name of Object.keys(header)) {
    if (name !== '__metadata__') entries.push(readEntry(name, header[name], dataLength));
  }
  checkTiling(entries, dataLength);
  const tensors: Record<string, RawTensor> = Object.create(null);
  for (const e of entries) {
    const src = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors[e.name] = decodeTensor(e.name, e.dtype, e.shape, src);
  }
  return { tensors, metadata };
}

function readMetadata(value: unknown): Record<string, string> {
  const metadata: Record<string, string> = Object.create(null);
  if (value === undefined) return metadata;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SafetensorsError(
      `parseSafetensors: "__metadata__" must be an object of string values, got ${describe(value)}`,
    );
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError(
        `parseSafetensors: "__metadata__" value for key ${JSON.stringify(key)} must be a string, got ${describe(v)}`,
      );
    }
    metadata[key] = v;
  }
  return metadata;
}

function readEntry(name: string, value: unknown, dataLength: number): Entry {
  const where = `parseSafetensors: tensor ${JSON.stringify(name)}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SafetensorsError(`${where}: entry must be an object with dtype, shape and data_offsets, got ${describe(value)}`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (!isSafetensorsDType(dtype)) {
    throw new SafetensorsError(
      `${where}: unsupported dtype ${describe(dtype)} (tsgrad reads ${Object.keys(ITEM_SIZE).join(', ')})`,
    );
  }
  if (!isIntegerList(shape)) {
    throw new SafetensorsError(`${where}: shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  if (!isIntegerList(offsets) || offsets.length !== 2) {
    throw new SafetensorsError(
      `${where}: data_offsets must be [begin, end] with non-negative integers, got ${describe(offsets)}`,
    );
  }
  const [begin, end] = offsets;
  if (begin > end) throw new SafetensorsError(`${where}: data_offsets ${fmt(offsets)} has begin > end`);
  if (end > dataLength) {
    throw new SafetensorsError(
      `${where}: data_offsets ${fmt(offsets)} end past the data buffer of ${dataLength} bytes`,
    );
  }
  let needed = ITEM_SIZE[dtype];
  for (const d of shape) needed *= d;
  if (!Number.isSafeInteger(needed) || needed !== end - begin) {
    throw new SafetensorsError(
      `${where}: data_offsets ${fmt(offsets)} hold ${end - begin} bytes, ` +
        `but shape ${fmt(shape)} of ${dtype} needs ${needed} bytes`,
    );
  }
  return { name, dtype, shape: [...shape], begin, end };
}

/**
 * The tensors must tile the data buffer from byte 0 to its end, as the reference
 * implementation requires: unused bytes could hide data, overlaps would alias tensors.
 * Sorts `entries` by offset as a side effect.
 */
function checkTiling(entries: Entry[], dataLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: Entry | undefined;
  for (const e of entries) {
    if (e.begin < cursor && previous !== undefined) {
      throw new SafetensorsError(
        `parseSafetensors: tensors ${JSON.stringify(previous.name)} ${fmt([previous.begin, previous.end])} ` +
          `and ${JSON.stringify(e.name)} ${fmt([e.begin, e.end])} overlap`,
      );
    }
    if (e.begin > cursor) {
      throw new SafetensorsError(
        `parseSafetensors: data bytes [${cursor},${e.begin}) belong to no tensor ` +
          `(gap before tensor ${JSON.stringify(e.name)} at ${fmt([e.begin, e.end])})`,
      );
    }
    if (e.end > cursor) {
      cursor = e.end;
      previous = e;
    }
  }
  if (cursor !== dataLength) {
    throw new SafetensorsError(
      `parseSafetensors: data buffer has ${dataLength - cursor} trailing bytes [${cursor},${dataLength}) ` +
        `after the last tensor`,
    );
  }
}

function isIntegerList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && v >= 0);
}

/** A short rendering of an arbitrary JSON value for messages. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return (value as object).constructor?.name ?? 'an object';
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
