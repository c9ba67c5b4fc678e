import { parseSafetensors, SafetensorsError, serializeSafetensors } from '../../src/safetensors/index.js';
import { buildFile } from './helpers.js';

/** Asserts that parsing throws a SafetensorsError whose message matches `message`. */
function expectRejected(bytes: Uint8Array, message: RegExp): void {
  let error: unknown;
  try {
    parseSafetensors(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SafetensorsError);
  expect((error as Error).message).toMatch(/^parseSafetensors: /);
  expect((error as Error).message).toMatch(message);
}

const entry = (dtype: string, shape: number[], begin: number, end: number): string =>
  JSON.stringify({ dtype, shape, data_offsets: [begin, end] });

describe('parseSafetensors refuses truncated files', () => {
  const good = serializeSafetensors(
    { a: { dtype: 'float32', shape: [3], data: new Float32Array([1, 2, 3]) } },
    { k: 'v' },
  );
  const headerEnd = 8 + Number(new DataView(good.buffer).getBigUint64(0, true));

  it.each([0, 1, 7])('at %i bytes: shorter than the length prefix', (n) => {
    expectRejected(good.subarray(0, n), new RegExp(`file is ${n} bytes, shorter than the 8-byte header length prefix`));
  });

  it.each([8, 20, headerEnd - 1])('at %i bytes: header runs past the end', (n) => {
    expectRejected(good.subarray(0, n), new RegExp(`header length \\d+ runs past the end of the file .*file is ${n} bytes`));
  });

  it.each([headerEnd, headerEnd + 5, good.length - 1])('at %i bytes: tensor data cut short', (n) => {
    expectRejected(
      good.subarray(0, n),
      new RegExp(`tensor "a": data_offsets \\[0,12\\] end past the data buffer of ${n - headerEnd} bytes`),
    );
  });

  it('accepts the untruncated file', () => {
    expect(Array.from(parseSafetensors(good).tensors.a.data)).toEqual([1, 2, 3]);
  });
});

describe('parseSafetensors refuses a bad header length', () => {
  const header = `{"a":${entry('F32', [1], 0, 4)}}`;
  it('of 0', () => expectRejected(buildFile(header, [0, 0, 0, 0], 0n), /header length is 0/));
  it('above 100 MB', () =>
    expectRejected(buildFile(header, [0, 0, 0, 0], 100_000_001n), /header length 100000001 exceeds the limit of 100000000/));
  it('with the high byte set', () =>
    expectRejected(buildFile(header, [0, 0, 0, 0], 1n << 56n), /header length 72057594037927936 exceeds the limit/));
  it('one byte too short (JSON cut)', () =>
    expectRejected(buildFile(header, [0, 0, 0, 0], BigInt(header.length - 1)), /header is not valid JSON/));
  it('one byte too long (data byte read as header)', () =>
    expectRejected(buildFile(header, [0x41, 0, 0, 0], BigInt(header.length + 1)), /header is not valid JSON/));
});

describe('parseSafetensors refuses bad header text', () => {
  it('invalid UTF-8', () => {
    const json = new TextEncoder().encode('{"__metadata__":{"k":"vX"}}');
    json[json.indexOf(0x58)] = 0xff;
    expectRejected(buildFile(json), /header \(bytes 8 to 35\) is not valid UTF-8/);
  });
  it('a UTF-8 byte order mark', () => {
    const json = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{}')]);
    expectRejected(buildFile(json), /header is not valid JSON/);
  });
  it('invalid JSON', () => expectRejected(buildFile('{"a":'), /header is not valid JSON/));
  it.each([
    ['[]', 'an array'],
    ['5', 'number'],
    ['null', 'null'],
    ['"x"', 'string'],
  ])('a header that is %s', (json, kind) =>
    expectRejected(buildFile(json), new RegExp(`header must be a JSON object, got ${kind}`)));
});

describe('parseSafetensors refuses duplicate and prototype keys', () => {
  it('a duplicate tensor name', () =>
    expectRejected(
      buildFile(`{"a":${entry('F32', [1], 0, 4)},"a":${entry('F32', [1], 4, 8)}}`, new Array(8).fill(0)),
      /duplicate key "a" in the header/,
    ));
  it('a duplicate field inside an entry', () =>
    expectRejected(
      buildFile('{"a":{"dtype":"F32","shape":[1],"dtype":"I32","data_offsets":[0,4]}}', [0, 0, 0, 0]),
      /duplicate key "dtype" in "a"/,
    ));
  it('a duplicate metadata key', () =>
    expectRejected(buildFile('{"__metadata__":{"k":"1","k":"2"}}'), /duplicate key "k" in "__metadata__"/));
  it('a duplicate key spelled with an escape', () =>
    expectRejected(buildFile('{"__metadata__":{"k":"1","\\u006b":"2"}}'), /duplicate key "k"/));
  it('a __proto__ tensor name', () =>
    expectRejected(buildFile(`{"__proto__":${entry('F32', [1], 0, 4)}}`, [0, 0, 0, 0]), /forbidden key "__proto__" in the header/));
  it('a __proto__ key spelled with an escape', () =>
    expectRejected(buildFile(`{"\\u005f_proto__":${entry('F32', [1], 0, 4)}}`, [0, 0, 0, 0]), /forbidden key "__proto__"/));
  it('constructor and prototype keys in metadata', () => {
    expectRejected(buildFile('{"__metadata__":{"constructor":"x"}}'), /forbidden key "constructor" in "__metadata__"/);
    expectRejected(buildFile('{"__metadata__":{"prototype":"x"}}'), /forbidden key "prototype" in "__metadata__"/);
  });
  it('does not mistake string values or array items for keys', () => {
    const json = `{"__metadata__":{"a":"a","b":"__proto__"},"x":${entry('F32', [1], 0, 4)}}`;
    expect(Object.keys(parseSafetensors(buildFile(json, [0, 0, 0, 0])).metadata)).toEqual(['a', 'b']);
  });
  it('is not confused by escaped quotes, backslashes and brackets inside strings', () => {
    const metadata = { a: 'x"{,"a":[', b: 'ends with \\', c: '}]"b"' };
    const json = `{"__metadata__":${JSON.stringify(metadata)}}`;
    expect({ ...parseSafetensors(buildFile(json)).metadata }).toEqual(metadata);
  });
});

describe('parseSafetensors refuses bad metadata', () => {
  it('a non-string value', () =>
    expectRejected(buildFile('{"__metadata__":{"k":1}}'), /"__metadata__" value for key "k" must be a string, got 1/));
  it('a non-object', () =>
    expectRejected(buildFile('{"__metadata__":["a"]}'), /"__metadata__" must be an object of string values, got \["a"\]/));
});

describe('parseSafetensors refuses bad entries', () => {
  it('an unknown dtype', () =>
    expectRejected(buildFile(`{"h":${entry('F16', [2], 0, 4)}}`, [0, 0, 0, 0]), /tensor "h": unsupported dtype "F16"/));
  it('a dtype named like an Object.prototype member', () =>
    expectRejected(buildFile(`{"h":${entry('toString', [1], 0, 1)}}`, [0]), /unsupported dtype "toString"/));
  it('an entry that is not an object', () =>
    expectRejected(buildFile('{"a":5}'), /tensor "a": entry must be an object with dtype, shape and data_offsets, got 5/));
  it('a negative or fractional dimension', () => {
    expectRejected(buildFile(`{"a":${entry('F32', [-1], 0, 0)}}`), /tensor "a": shape must be an array of non-negative integers, got \[-1\]/);
    expectRejected(buildFile(`{"a":${entry('F32', [1.5], 0, 0)}}`), /shape must be an array of non-negative integers, got \[1.5\]/);
  });
  it('missing or malformed data_offsets', () => {
    expectRejected(buildFile('{"a":{"dtype":"F32","shape":[]}}'), /tensor "a": data_offsets must be \[begin, end\].*got nothing/);
    expectRejected(buildFile('{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4,8]}}'), /data_offsets must be \[begin, end\]/);
    expectRejected(buildFile('{"a":{"dtype":"F32","shape":[],"data_offsets":[0,"4"]}}'), /data_offsets must be \[begin, end\]/);
  });
  it('begin after end', () =>
    expectRejected(buildFile(`{"a":${entry('F32', [0], 4, 0)}}`, [0, 0, 0, 0]), /tensor "a": data_offsets \[4,0\] has begin > end/));
  it('a size that does not match the shape', () =>
    expectRejected(
      buildFile(`{"w":${entry('F32', [2, 3], 0, 12)}}`, new Array(12).fill(0)),
      /tensor "w": data_offsets \[0,12\] hold 12 bytes, but shape \[2,3\] of F32 needs 24 bytes/,
    ));
  it('a shape whose byte size overflows', () =>
    expectRejected(
      buildFile(`{"w":${entry('F64', [2 ** 30, 2 ** 30, 2 ** 30], 0, 8)}}`, new Array(8).fill(0)),
      /tensor "w": data_offsets \[0,8\] hold 8 bytes, but shape \[1073741824,1073741824,1073741824\] of F64 needs/,
    ));
});

describe('parseSafetensors refuses data buffers the tensors do not tile', () => {
  it('overlapping tensors', () =>
    expectRejected(
      buildFile(`{"a":${entry('F32', [2], 0, 8)},"b":${entry('F32', [2], 4, 12)}}`, new Array(12).fill(0)),
      /tensors "a" \[0,8\] and "b" \[4,12\] overlap/,
    ));
  it('an empty tensor inside another', () =>
    expectRejected(
      buildFile(`{"a":${entry('F32', [2], 0, 8)},"e":${entry('F32', [0], 4, 4)}}`, new Array(8).fill(0)),
      /tensors "a" \[0,8\] and "e" \[4,4\] overlap/,
    ));
  it('two tensors at the same offsets', () =>
    expectRejected(
      buildFile(`{"a":${entry('I32', [1], 0, 4)},"b":${entry('F32', [1], 0, 4)}}`, new Array(4).fill(0)),
      /tensors "a" \[0,4\] and "b" \[0,4\] overlap/,
    ));
  it('a gap', () =>
    expectRejected(
      buildFile(`{"a":${entry('F32', [1], 0, 4)},"b":${entry('F32', [1], 8, 12)}}`, new Array(12).fill(0)),
      /data bytes \[4,8\) belong to no tensor \(gap before tensor "b" at \[8,12\]\)/,
    ));
  it('a gap at the start', () =>
    expectRejected(buildFile(`{"b":${entry('F32', [1], 4, 8)}}`, new Array(8).fill(0)), /data bytes \[0,4\) belong to no tensor/));
  it('trailing bytes', () =>
    expectRejected(
      buildFile(`{"a":${entry('F32', [1], 0, 4)}}`, new Array(6).fill(0)),
      /data buffer has 2 trailing bytes \[4,6\) after the last tensor/,
    ));
  it('data but no tensors', () =>
    expectRejected(buildFile('{}', [1, 2, 3]), /data buffer has 3 trailing bytes \[0,3\)/));
  it('accepts empty tensors at the boundaries', () => {
    const json = `{"e0":${entry('F32', [0], 0, 0)},"a":${entry('F32', [1], 0, 4)},"e1":${entry('BOOL', [0], 4, 4)}}`;
    expect(Object.keys(parseSafetensors(buildFile(json, [0, 0, 0, 0])).tensors).sort()).toEqual(['a', 'e0', 'e1']);
  });
});

describe('parseSafetensors refuses bad values', () => {
  const i64File = (v: bigint): Uint8Array =>
    buildFile(`{"ids":${entry('I64', [2], 0, 16)}}`, new Uint8Array(new BigInt64Array([1n, v]).buffer));
  it('I64 above int32', () =>
    expectRejected(i64File(2147483648n), /tensor "ids": I64 element 1 is 2147483648, outside the int32 range/));
  it('I64 below int32', () => expectRejected(i64File(-2147483649n), /tensor "ids": I64 element 1 is -2147483649/));
  it('I64 far outside int32', () => expectRejected(i64File(-(2n ** 63n)), /I64 element 1 is -9223372036854775808/));
  it('BOOL byte other than 0/1', () =>
    expectRejected(buildFile(`{"m":${entry('BOOL', [3], 0, 3)}}`, [1, 0, 2]), /tensor "m": BOOL element 2 is byte 2, expected 0 or 1/));
});

it('parseSafetensors refuses input that is not a Uint8Array', () => {
  expect(() => parseSafetensors(new ArrayBuffer(16) as unknown as Uint8Array)).toThrow(
    /parseSafetensors: expected a Uint8Array, got ArrayBuffer/,
  );
  expect(() => parseSafetensors([1, 2] as unknown as Uint8Array)).toThrow(SafetensorsError);
});
