import { parseSafetensors, serializeSafetensors } from '../../src/safetensors/index.js';

describe('serializeSafetensors golden bytes', () => {
  it('writes exactly the hand-computed bytes for a tiny file', () => {
    const bytes = serializeSafetensors(
      {
        b: { dtype: 'bool', shape: [2], data: new Uint8Array([1, 0]) },
        a: { dtype: 'float32', shape: [], data: new Float32Array([1.5]) },
      },
      { format: 'pt' },
    );
    // Header, counted by piece: '{' 1 + '"__metadata__":' 15 + '{"format":"pt"}' 15 + ',' 1
    // + '"a":' 4 + a's entry 47 + ',' 1 + '"b":' 4 + b's entry 49 + '}' 1 = 138 bytes,
    // padded with 6 spaces to 144 = 0x90 so the data starts 8-aligned at byte 152.
    const header =
      '{"__metadata__":{"format":"pt"},' +
      '"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},' +
      '"b":{"dtype":"BOOL","shape":[2],"data_offsets":[4,6]}}' +
      '      ';
    const expected = [
      0x90, 0, 0, 0, 0, 0, 0, 0, // header length 144, u64 little-endian
      ...Array.from(header, (ch) => ch.charCodeAt(0)),
      0x00, 0x00, 0xc0, 0x3f, // a = 1.5f = 0x3fc00000, little-endian
      0x01, 0x00, // b = [true, false]
    ];
    expect(header.length).toBe(144);
    expect(Array.from(bytes)).toEqual(expected);
    expect(bytes.length).toBe(158);
  });

  it('omits __metadata__ when there is none and writes "{}" padded for no tensors', () => {
    const bytes = serializeSafetensors({});
    expect(Array.from(bytes)).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]);
    const parsed = parseSafetensors(bytes);
    expect(Object.keys(parsed.tensors)).toEqual([]);
    expect(Object.keys(parsed.metadata)).toEqual([]);
  });
});
