// Rewrites a compiled kernel module so that it imports a shared memory instead of defining its
// own. The kernels were built (scripts/build-*.mjs) with a private memory, which one thread
// owns; with an imported shared WebAssembly.Memory, every thread instantiates the same module on
// the same memory, so operands are copied in once and each thread computes its share in place.
// The code section is untouched, so every thread runs exactly the single-threaded kernel.
// Rewriting the binary here, instead of a second AssemblyScript build, keeps the build and the
// generated files as they are. Only the module's memory declaration changes:
//   - the memory section (id 5) with its one memory is dropped;
//   - an import `env.memory` of kind memory, flags 3 (shared, with a maximum), same minimum,
//     maximum `maxPages`, is added to the import section (id 2), created after the type section
//     when the module has none. Imported memories come first in the index space, so the import
//     is memory 0, which every load, store and the `memory` export already refer to.
// Shared memories need the threads proposal, which every runtime with SharedArrayBuffer has.

const SECTION_IMPORT = 2;
const SECTION_MEMORY = 5;
const KIND_MEMORY = 2;
const LIMITS_SHARED_MAX = 3;

/** The largest memory a 32-bit module addresses: 65536 pages of 64 KiB = 4 GiB. */
export const MAX_WASM_PAGES = 65536;

interface Section {
  id: number;
  body: Uint8Array;
}

function readU32(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    if (at >= bytes.length) throw new Error('toSharedMemoryModule: truncated LEB128 number');
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

function writeU32(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function name(text: string): number[] {
  const bytes = Array.from(text, (ch) => ch.charCodeAt(0));
  return [...writeU32(bytes.length), ...bytes];
}

function sections(bytes: Uint8Array): Section[] {
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (bytes.length < 8 || magic.some((b, i) => bytes[i] !== b)) {
    throw new Error('toSharedMemoryModule: not a version-1 WebAssembly binary');
  }
  const out: Section[] = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readU32(bytes, at + 1);
    if (start + size > bytes.length) throw new Error(`toSharedMemoryModule: section ${id} runs past the end`);
    out.push({ id, body: bytes.subarray(start, start + size) });
    at = start + size;
  }
  return out;
}

/** Minimum pages of the single memory a memory section declares. */
function memoryMinimum(body: Uint8Array): number {
  const [count, at] = readU32(body, 0);
  if (count !== 1) throw new Error(`toSharedMemoryModule: expected one memory, the module declares ${count}`);
  return readU32(body, at + 1)[0];
}

/** A rewritten module and the smallest memory (in 64 KiB pages) it may be instantiated with. */
export interface SharedMemoryModule {
  bytes: Uint8Array<ArrayBuffer>;
  minimumPages: number;
}

/**
 * Returns a copy of the module `bytes` that imports its memory as `env.memory`, shared with
 * maximum `maxPages`, instead of defining it. Throws an Error naming the function when `bytes`
 * is not a WebAssembly binary with exactly one memory of its own.
 */
export function toSharedMemoryModule(bytes: Uint8Array, maxPages = MAX_WASM_PAGES): SharedMemoryModule {
  const list = sections(bytes);
  const memory = list.find((s) => s.id === SECTION_MEMORY);
  if (memory === undefined) throw new Error('toSharedMemoryModule: the module defines no memory');
  const minimum = memoryMinimum(memory.body);
  if (minimum > maxPages) throw new Error(`toSharedMemoryModule: minimum ${minimum} pages exceeds maxPages ${maxPages}`);
  const entry = [
    ...name('env'), ...name('memory'), KIND_MEMORY, LIMITS_SHARED_MAX, ...writeU32(minimum), ...writeU32(maxPages),
  ];
  const imports = list.find((s) => s.id === SECTION_IMPORT);
  let importBody: number[];
  if (imports === undefined) {
    importBody = [1, ...entry];
  } else {
    const [count, at] = readU32(imports.body, 0);
    importBody = [...writeU32(count + 1), ...imports.body.subarray(at), ...entry];
  }
  const out: number[] = Array.from(bytes.subarray(0, 8));
  const emit = (id: number, body: ArrayLike<number>): void => {
    out.push(id, ...writeU32(body.length));
    for (let i = 0; i < body.length; i++) out.push(body[i]);
  };
  let placed = false;
  for (const s of list) {
    if (s.id === SECTION_MEMORY) continue;
    if (s.id === SECTION_IMPORT) {
      emit(SECTION_IMPORT, importBody);
      placed = true;
      continue;
    }
    // A new import section goes before the first known section after it; custom sections
    // (id 0) may sit anywhere.
    if (!placed && imports === undefined && s.id !== 0 && s.id > SECTION_IMPORT) {
      emit(SECTION_IMPORT, importBody);
      placed = true;
    }
    emit(s.id, s.body);
  }
  if (!placed) emit(SECTION_IMPORT, importBody);
  return { bytes: new Uint8Array(out), minimumPages: minimum };
}
