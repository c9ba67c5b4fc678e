import { parseSafetensors, SafetensorsError, serializeSafetensors, type RawTensor } from '../../src/safetensors/index.js';

/** Asserts that serializing throws a SafetensorsError whose message matches `message`. */
function expectRefused(tensors: Record<string, unknown>, message: RegExp, metadata?: Record<string, unknown>): void {
  let error: unknown;
  try {
    serializeSafetensors(tensors as Record<string, RawTensor>, metadata as Record<string, string>);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SafetensorsError);
  expect((error as Error).message).toMatch(/^serializeSafetensors: /);
  expect((error as Error).message).toMatch(message);
}

const ok = (): RawTensor => ({ dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) });

describe('serializeSafetensors refuses', () => {
  it('an empty tensor name', () => expectRefused({ '': ok() }, /tensor names must be non-empty/));
  it('a tensor named __metadata__', () => expectRefused({ __metadata__: ok() }, /"__metadata__" is reserved/));
  it('prototype-polluting tensor names', () => {
    expectRefused({ constructor: ok() }, /tensor name "constructor" is not allowed/);
    expectRefused(JSON.parse(`{"__proto__": ${JSON.stringify({ dtype: 'float32', shape: [0] })}}`), /tensor name "__proto__" is not allowed/);
  });
  it('a lone surrogate in a name', () => expectRefused({ ['a\uD800']: ok() }, /contains a lone UTF-16 surrogate/));
  it('a shape whose product differs from the data length', () =>
    expectRefused({ w: { dtype: 'float32', shape: [2, 3], data: new Float32Array(5) } }, /tensor "w": shape \[2,3\] holds 6 elements but data has 5/));
  it('a scalar with no element', () =>
    expectRefused({ s: { dtype: 'int32', shape: [], data: new Int32Array(0) } }, /tensor "s": shape \[\] holds 1 elements but data has 0/));
  it('a negative or fractional dimension', () => {
    expectRefused({ w: { dtype: 'float32', shape: [-2], data: new Float32Array(0) } }, /tensor "w": shape must be an array of non-negative integers/);
    expectRefused({ w: { dtype: 'float32', shape: [0.5], data: new Float32Array(0) } }, /shape must be an array of non-negative integers/);
  });
  it('data of the wrong typed array', () =>
    expectRefused({ w: { dtype: 'float32', shape: [2], data: new Float64Array(2) } }, /tensor "w": dtype float32 needs a Float32Array as data, got Float64Array/));
  it('an unknown dtype', () =>
    expectRefused({ w: { dtype: 'float16', shape: [2], data: new Uint16Array(2) } }, /tensor "w": unsupported dtype "float16"/));
  it('bool data other than 0/1', () =>
    expectRefused({ m: { dtype: 'bool', shape: [3], data: new Uint8Array([0, 1, 255]) } }, /tensor "m": bool element 2 is 255, expected 0 or 1/));
  it('a tensor that is not an object', () => expectRefused({ w: 3 }, /tensor "w": expected \{ dtype, shape, data \}/));
  it('a tensors argument that is not an object', () => expectRefused(null as unknown as Record<string, unknown>, /tensors must be an object/));
  it('non-string metadata values', () => {
    expectRefused({ w: ok() }, /metadata value for key "step" must be a string, got number/, { step: 3 });
    expectRefused({ w: ok() }, /metadata value for key "x" contains a lone UTF-16 surrogate/, { x: '\uDC00' });
  });
  it('prototype-polluting metadata keys', () =>
    expectRefused({ w: ok() }, /metadata key "prototype" is not allowed/, { prototype: 'x' }));
});

it('serializeSafetensors accepts names that only look special', () => {
  const bytes = serializeSafetensors({ '__metadata__x': ok(), 'a.constructor': ok(), '𝔁': ok() }, { '': 'empty key' });
  const parsed = parseSafetensors(bytes);
  expect(Object.keys(parsed.tensors).sort()).toEqual(['__metadata__x', 'a.constructor', '𝔁']);
  expect(parsed.metadata['']).toBe('empty key');
});
