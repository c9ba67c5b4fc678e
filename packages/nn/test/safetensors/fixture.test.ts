import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensors } from '../../src/safetensors/index.js';
import { bitsOf } from './helpers.js';

// Written by tests/fixtures/make_safetensors_fixture.py with numpy + struct only: an
// independent writer, with an unpadded header so the tensors sit at odd file offsets.
const file = readFileSync(join(__dirname, 'fixtures', 'numpy-unaligned.safetensors'));

describe('numpy-written fixture', () => {
  const { tensors, metadata } = parseSafetensors(file);

  it('starts its data buffer at an odd offset', () => {
    expect((8 + Number(file.readBigUInt64LE(0))) % 2).toBe(1);
  });

  it('reads metadata', () => {
    expect({ ...metadata }).toEqual({ format: 'np', source: 'make_safetensors_fixture.py' });
  });

  it('reads every dtype with its shape and values', () => {
    expect(tensors.flags).toEqual({ dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) });
    expect(tensors.weights.dtype).toBe('float32');
    expect(tensors.weights.shape).toEqual([2, 3]);
    expect(Array.from(tensors.weights.data)).toEqual([-1, -0.5, 0, 0.5, 1, 1.5]);
    expect(tensors.ids.dtype).toBe('int32');
    expect(Array.from(tensors.ids.data)).toEqual([-3, 0, 2147483647, -2147483648]);
    expect(Array.from(tensors.counts.data)).toEqual([7, -8]);
    expect(tensors.scale).toEqual({ dtype: 'float64', shape: [], data: new Float64Array([Math.PI]) });
    expect(tensors.empty.shape).toEqual([0, 4]);
    expect(tensors.empty.data).toEqual(new Float32Array(0));
  });

  it('keeps -0, infinities, denormals and NaN payloads bit-exact', () => {
    const expected = new Uint32Array([0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x7fc00001]);
    expect(bitsOf(tensors.special.data)).toEqual(Array.from(new Uint8Array(expected.buffer)));
  });
});
