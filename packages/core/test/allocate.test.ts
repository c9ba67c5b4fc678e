import { allocate, allocateUninitialized, type DType } from '../src/index.js';

const dtypes: DType[] = ['float32', 'float64', 'int32', 'bool'];
const constructors = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array };

describe('allocateUninitialized', () => {
  // Sizes on both sides of the 64 KiB threshold for every element width.
  const sizes = [0, 1, 100, 16383, 16384, 16385, 70000];

  test.each(dtypes)('%s: the storage type and length of allocate, owning its whole buffer', (dtype) => {
    for (const size of sizes) {
      const a = allocateUninitialized(dtype, size);
      expect(a).toBeInstanceOf(constructors[dtype]);
      expect(a.length).toBe(size);
      expect(a.byteOffset).toBe(0);
      expect(a.buffer.byteLength).toBe(a.byteLength);
      expect(a.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    }
  });

  test('arrays do not share memory', () => {
    const arrays = Array.from({ length: 8 }, (_, i) => allocateUninitialized('float32', 20000 + i));
    arrays.forEach((a, i) => a.fill(i));
    arrays.forEach((a, i) => expect(a.every((v) => v === i)).toBe(true));
  });

  test('where the runtime has no Buffer (browsers) it falls back to a zeroed array', () => {
    const holder = globalThis as { Buffer?: unknown };
    const saved = holder.Buffer;
    try {
      holder.Buffer = undefined;
      const a = allocateUninitialized('float64', 50000);
      expect(a).toBeInstanceOf(Float64Array);
      expect(a.every((v) => v === 0)).toBe(true);
      expect(allocate('float64', 3)).toEqual(new Float64Array(3));
    } finally {
      holder.Buffer = saved;
    }
  });
});
