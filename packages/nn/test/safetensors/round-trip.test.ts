import { bytesOf, copyLittleEndian } from '../../src/safetensors/byte-order.js';
import { decodeTensor } from '../../src/safetensors/decode-tensor.js';
import { parseSafetensors, serializeSafetensors, type RawTensor } from '../../src/safetensors/index.js';
import { bitsOf, buildFile, headerOf } from './helpers.js';

function f32FromBits(bits: number[]): Float32Array {
  return new Float32Array(new Uint32Array(bits).buffer);
}
function f64FromBits(bits: bigint[]): Float64Array {
  return new Float64Array(new BigUint64Array(bits).buffer);
}

const tensors: Record<string, RawTensor> = {
  // quiet NaN with payload, negative NaN with payload, signalling NaN, -0, +-Inf, min denormal, max
  f32: {
    dtype: 'float32',
    shape: [2, 4],
    data: f32FromBits([0x7fc00001, 0xffc12345, 0x7f800001, 0x80000000, 0x7f800000, 0xff800000, 0x1, 0x7f7fffff]),
  },
  f64: {
    dtype: 'float64',
    shape: [6],
    data: f64FromBits([0x7ff8000000000001n, 0xfff0000000abcdefn, 0x8000000000000000n, 0x7ff0000000000000n, 0x1n, 0x3fb999999999999an]),
  },
  i32: { dtype: 'int32', shape: [2, 2], data: new Int32Array([-2147483648, 2147483647, 0, -1]) },
  mask: { dtype: 'bool', shape: [5], data: new Uint8Array([0, 1, 1, 0, 1]) },
  emptyF32: { dtype: 'float32', shape: [0], data: new Float32Array(0) },
  emptyF64: { dtype: 'float64', shape: [3, 0, 2], data: new Float64Array(0) },
  emptyI32: { dtype: 'int32', shape: [0], data: new Int32Array(0) },
  emptyBool: { dtype: 'bool', shape: [0, 1], data: new Uint8Array(0) },
  scalarF32: { dtype: 'float32', shape: [], data: new Float32Array([-0]) },
  scalarF64: { dtype: 'float64', shape: [], data: new Float64Array([-Infinity]) },
  scalarI32: { dtype: 'int32', shape: [], data: new Int32Array([42]) },
  scalarBool: { dtype: 'bool', shape: [], data: new Uint8Array([1]) },
  'blocks.0.attn.qProj.weight': { dtype: 'float32', shape: [1, 3], data: new Float32Array([1, 2, 3]) },
  'ünïcode ✓ 𝔁': { dtype: 'int32', shape: [1], data: new Int32Array([7]) },
};
const metadata = { format: 'pt', note: 'quotes " backslash \\ newline \n emoji 🙂', empty: '' };

describe('safetensors round trip', () => {
  const bytes = serializeSafetensors(tensors, metadata);
  const parsed = parseSafetensors(bytes);

  it('reads back every tensor bit-exactly with its dtype and shape', () => {
    expect(Object.keys(parsed.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const back = parsed.tensors[name];
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(back.data.constructor).toBe(t.data.constructor);
      expect(bitsOf(back.data)).toEqual(bitsOf(t.data));
    }
    expect(Object.is(parsed.tensors.scalarF32.data[0], -0)).toBe(true);
    expect(Number.isNaN(parsed.tensors.f32.data[0])).toBe(true);
  });

  it('reads back the metadata and builds prototype-free result objects', () => {
    expect({ ...parsed.metadata }).toEqual(metadata);
    expect(Object.getPrototypeOf(parsed.tensors)).toBeNull();
    expect(Object.getPrototypeOf(parsed.metadata)).toBeNull();
  });

  it('lays tensors out contiguously in sorted key order with an 8-aligned data start', () => {
    const { header, dataStart } = headerOf(bytes);
    expect(dataStart % 8).toBe(0);
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    const sorted = [...names].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
    expect(names).toEqual(sorted);
    let offset = 0;
    for (const name of names) {
      const [begin, end] = (header[name] as { data_offsets: number[] }).data_offsets;
      expect(begin).toBe(offset);
      expect(end - begin).toBe(tensors[name].data.byteLength);
      offset = end;
    }
    expect(bytes.length - dataStart).toBe(offset);
  });

  it('gives each parsed tensor its own copy of the data', () => {
    const copy = bytes.slice();
    const again = parseSafetensors(copy);
    copy.fill(0);
    expect(bitsOf(again.tensors.i32.data)).toEqual(bitsOf(tensors.i32.data));
  });

  it('serializes typed arrays that are views into a larger buffer', () => {
    const big = new Float32Array([9, 1, 2, 3, 9]);
    const out = parseSafetensors(serializeSafetensors({ v: { dtype: 'float32', shape: [3], data: big.subarray(1, 4) } }));
    expect(Array.from(out.tensors.v.data)).toEqual([1, 2, 3]);
  });
});

describe('parseSafetensors alignment', () => {
  it('reads tensors at odd offsets in a file whose data buffer starts at an odd byte', () => {
    // The header is left unpadded and the F64 tensor "f" follows a 1-byte BOOL, so "f"
    // starts at an odd file byte.
    const header =
      '{"b":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]},"f":{"dtype":"F64","shape":[1],"data_offsets":[1,9]}}';
    const one = Array.from(new Uint8Array(new Float64Array([Math.PI]).buffer));
    const file = buildFile(header, [1, ...one]);
    const dataStart = 8 + header.length;
    expect((dataStart + 1) % 2).toBe(1);
    const parsed = parseSafetensors(file);
    expect(parsed.tensors.f.data[0]).toBe(Math.PI);
    expect(Array.from(parsed.tensors.b.data)).toEqual([1]);
  });

  it('reads a file that sits at an odd byteOffset inside a larger buffer', () => {
    const file = serializeSafetensors({ x: { dtype: 'float64', shape: [2], data: new Float64Array([0.1, -2]) } });
    const host = new Uint8Array(file.length + 3);
    host.set(file, 3);
    const parsed = parseSafetensors(host.subarray(3));
    expect(Array.from(parsed.tensors.x.data)).toEqual([0.1, -2]);
  });

  it('accepts a Node Buffer (whose slice() does not copy)', () => {
    const file = serializeSafetensors({ x: { dtype: 'int32', shape: [2], data: new Int32Array([5, -6]) } });
    const buf = Buffer.from(file);
    const parsed = parseSafetensors(buf);
    buf.fill(0);
    expect(Array.from(parsed.tensors.x.data)).toEqual([5, -6]);
  });
});

describe('byte order', () => {
  it('copyLittleEndian reverses each element only when asked to', () => {
    const src = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(copyLittleEndian(src, 4, false))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(copyLittleEndian(src, 4, true))).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    expect(Array.from(copyLittleEndian(src, 8, true))).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(Array.from(copyLittleEndian(src, 1, true))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('decodes into host order on a big-endian host (simulated)', () => {
    const le = new Uint8Array([0x00, 0x00, 0xc0, 0x3f, 0x01, 0x00, 0xc0, 0x7f]); // 1.5f, NaN payload 1
    const onBig = decodeTensor('x', 'F32', [2], le, false);
    expect(bitsOf(onBig.data)).toEqual([0x3f, 0xc0, 0x00, 0x00, 0x7f, 0xc0, 0x00, 0x01]);
    const onLittle = decodeTensor('x', 'F32', [2], le, true);
    expect(bitsOf(onLittle.data)).toEqual(Array.from(le));
    expect(onLittle.data[0]).toBe(1.5);
    // I64 and BOOL are read value by value, so host order does not matter.
    const i64 = new Uint8Array([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(Array.from(decodeTensor('i', 'I64', [1], i64, false).data)).toEqual([-2]);
  });

  it('bytesOf views without copying', () => {
    const a = new Int32Array([1, 2, 3]).subarray(1);
    const view = bytesOf(a);
    expect(view.byteOffset).toBe(4);
    expect(view.length).toBe(8);
  });
});

describe('I64', () => {
  it('converts I64 to int32 when every value fits', () => {
    const values = new BigInt64Array([-2147483648n, 2147483647n, 0n, -1n, 12345n]);
    const file = buildFile(
      '{"ids":{"dtype":"I64","shape":[5],"data_offsets":[0,40]}}',
      new Uint8Array(values.buffer),
    );
    const t = parseSafetensors(file).tensors.ids;
    expect(t.dtype).toBe('int32');
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(Array.from(t.data)).toEqual([-2147483648, 2147483647, 0, -1, 12345]);
  });
});
