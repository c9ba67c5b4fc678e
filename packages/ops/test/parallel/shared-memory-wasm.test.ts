import { ATTENTION_WASM_SIMD } from '../../src/kernels/wasm/attention-f32-wasm.generated.js';
import { gemmF32SimdWasm } from '../../src/kernels/wasm/gemm-f32-wasm.generated.js';
import { MAX_WASM_PAGES, toSharedMemoryModule } from '../../src/parallel/shared-memory-wasm.js';

const decode = (text: string): Uint8Array => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

test.each([
  ['gemm', gemmF32SimdWasm],
  ['attention', ATTENTION_WASM_SIMD],
])('the %s kernel module instantiates on a shared memory it exports back', (_name, base64) => {
  const { bytes, minimumPages } = toSharedMemoryModule(decode(base64));
  expect(WebAssembly.validate(bytes)).toBe(true);
  expect(minimumPages).toBe(1);
  const memory = new WebAssembly.Memory({ initial: minimumPages, maximum: MAX_WASM_PAGES, shared: true });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
  expect(exports.memory).toBe(memory);
  expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  // A module that still defines its own memory would not link without the import: the rewrite
  // really moved memory 0 to the import.
  expect(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), {})).toThrow();
});

test('an existing import section gains the memory import after its entries', () => {
  const module = new Uint8Array([
    ...header,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
    0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00, // import env.f: func type 0
    0x05, 0x03, 0x01, 0x00, 0x02, // memory section: one memory, minimum 2 pages
    0x07, 0x07, 0x01, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, // export "mem" = memory 0
  ]);
  expect(WebAssembly.validate(module)).toBe(true);
  const { bytes, minimumPages } = toSharedMemoryModule(module, 100);
  expect(minimumPages).toBe(2);
  const compiled = new WebAssembly.Module(bytes);
  expect(WebAssembly.Module.imports(compiled)).toEqual([
    { module: 'env', name: 'f', kind: 'function' },
    { module: 'env', name: 'memory', kind: 'memory' },
  ]);
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 100, shared: true });
  const exports = new WebAssembly.Instance(compiled, { env: { f: () => undefined, memory } }).exports;
  expect(exports.mem).toBe(memory);
});

test('refuses what it cannot rewrite, naming the function', () => {
  expect(() => toSharedMemoryModule(new Uint8Array([1, 2, 3]))).toThrow('toSharedMemoryModule: not a version-1 WebAssembly binary');
  const noMemory = new Uint8Array([...header, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00]);
  expect(() => toSharedMemoryModule(noMemory)).toThrow('toSharedMemoryModule: the module defines no memory');
  const truncated = new Uint8Array([...header, 0x01, 0x09, 0x01]);
  expect(() => toSharedMemoryModule(truncated)).toThrow('toSharedMemoryModule: section 1 runs past the end');
  const big = new Uint8Array([...header, 0x05, 0x03, 0x01, 0x00, 0x05]);
  expect(() => toSharedMemoryModule(big, 4)).toThrow('toSharedMemoryModule: minimum 5 pages exceeds maxPages 4');
});
