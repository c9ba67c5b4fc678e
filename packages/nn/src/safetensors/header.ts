import { SafetensorsError } from './errors.js';
import { findBadJsonKey } from './json-keys.js';

/** The reference implementation's limit; a larger header is refused rather than decoded. */
export const MAX_HEADER_BYTES = 100_000_000;

/** The JSON header of a safetensors file and where its data buffer begins. */
export interface ParsedHeader {
  /** The header object, known to be a plain JSON object free of duplicate and forbidden keys. */
  header: Record<string, unknown>;
  /** Byte offset of the data buffer inside the file: 8 + header length. */
  dataStart: number;
}

/**
 * Reads the 8-byte little-endian header length and the UTF-8 JSON header after it, refusing a
 * short file, a header length of 0, above {@link MAX_HEADER_BYTES} or past the end of the file,
 * invalid UTF-8, invalid JSON, a header that is not an object, and duplicate or
 * prototype-polluting keys anywhere in the header.
 */
export function readHeader(bytes: Uint8Array): ParsedHeader {
  if (bytes.length < 8) {
    throw new SafetensorsError(
      `parseSafetensors: file is ${bytes.length} bytes, shorter than the 8-byte header length prefix`,
    );
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength === 0n) {
    throw new SafetensorsError('parseSafetensors: header length is 0; a header holds at least "{}"');
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      `parseSafetensors: header length ${headerLength} exceeds the limit of ${MAX_HEADER_BYTES} bytes`,
    );
  }
  const dataStart = 8 + Number(headerLength);
  if (dataStart > bytes.length) {
    throw new SafetensorsError(
      `parseSafetensors: header length ${headerLength} runs past the end of the file ` +
        `(header would end at byte ${dataStart}, file is ${bytes.length} bytes)`,
    );
  }
  const text = decodeUtf8(bytes.subarray(8, dataStart));
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    throw new SafetensorsError(`parseSafetensors: header is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    const kind = header === null ? 'null' : Array.isArray(header) ? 'an array' : typeof header;
    throw new SafetensorsError(`parseSafetensors: header must be a JSON object, got ${kind}`);
  }
  const badKey = findBadJsonKey(text);
  if (badKey !== undefined) throw new SafetensorsError(`parseSafetensors: header has a ${badKey}`);
  return { header: header as Record<string, unknown>, dataStart };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    // fatal: refuse invalid sequences instead of inserting U+FFFD; ignoreBOM: keep a BOM in the
    // text so that JSON.parse refuses it, as the reference implementation does.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SafetensorsError(`parseSafetensors: header (bytes 8 to ${8 + bytes.length}) is not valid UTF-8`);
  }
}
