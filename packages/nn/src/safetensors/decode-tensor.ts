import { copyLittleEndian } from './byte-order.js';
import { HOST_LITTLE_ENDIAN, ITEM_SIZE, type RawTensor, type SafetensorsDType } from './dtypes.js';
import { SafetensorsError } from './errors.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * Turns one tensor's little-endian bytes (already checked to be `product(shape) * itemsize`
 * long) into a {@link RawTensor} that owns a fresh copy of the data. I64 becomes int32 when
 * every value fits; BOOL bytes must be 0 or 1. `hostLittleEndian` is a parameter only so the
 * tests can drive the big-endian path.
 */
export function decodeTensor(
  name: string,
  dtype: SafetensorsDType,
  shape: number[],
  src: Uint8Array,
  hostLittleEndian: boolean = HOST_LITTLE_ENDIAN,
): RawTensor {
  const swap = !hostLittleEndian;
  switch (dtype) {
    case 'F32':
      return { dtype: 'float32', shape, data: new Float32Array(copyLittleEndian(src, 4, swap).buffer) };
    case 'F64':
      return { dtype: 'float64', shape, data: new Float64Array(copyLittleEndian(src, 8, swap).buffer) };
    case 'I32':
      return { dtype: 'int32', shape, data: new Int32Array(copyLittleEndian(src, 4, swap).buffer) };
    case 'BOOL':
      return { dtype: 'bool', shape, data: decodeBool(name, src) };
    case 'I64':
      return { dtype: 'int32', shape, data: decodeInt64AsInt32(name, src) };
  }
}

function decodeBool(name: string, src: Uint8Array): Uint8Array {
  for (let i = 0; i < src.length; i++) {
    if (src[i] > 1) {
      throw new SafetensorsError(
        `parseSafetensors: tensor ${JSON.stringify(name)}: BOOL element ${i} is byte ${src[i]}, expected 0 or 1`,
      );
    }
  }
  return copyLittleEndian(src, 1, false);
}

/** int64 -> int32, refusing (not wrapping) any value outside the int32 range. */
function decodeInt64AsInt32(name: string, src: Uint8Array): Int32Array {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const n = src.length / ITEM_SIZE.I64;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const lo = view.getInt32(8 * i, true);
    const hi = view.getInt32(8 * i + 4, true);
    // The value fits in int32 exactly when the high word is the sign extension of the low one.
    if (hi !== (lo < 0 ? -1 : 0)) {
      const value = view.getBigInt64(8 * i, true);
      throw new SafetensorsError(
        `parseSafetensors: tensor ${JSON.stringify(name)}: I64 element ${i} is ${value}, ` +
          `outside the int32 range [${INT32_MIN}, ${INT32_MAX}] that tsgrad can load`,
      );
    }
    out[i] = lo;
  }
  return out;
}
