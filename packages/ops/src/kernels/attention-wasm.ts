/**
 * Loading of the float32 WebAssembly SIMD attention module and a bump allocator over its
 * memory. The module is compiled lazily on first use; where WebAssembly SIMD is missing (or a
 * browser main thread refuses synchronous compilation of modules over 4 KB, in which case
 * call {@link initAttentionWasm} first) the kernels fall back to plain JavaScript.
 */
import { ATTENTION_WASM_BASE64 } from './attention-wasm-binary.js';

/** The functions exported by assembly/attention-simd.ts (addresses are byte offsets). */
export interface AttentionWasmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  scratchBytes(ep: number, evp: number): number;
  configure(
    l: number, s: number, e: number, ev: number, scale: number, causal: number,
    fmSi: number, fmSj: number, bmSi: number, bmSj: number,
    dropout: number, threshold: number, keepScale: number, seed: number, scratch: number,
  ): void;
  forwardHead(q: number, kt: number, v: number, out: number, lse: number, fm: number, bm: number, b: number, h: number): void;
  backwardKvHead(
    q: number, dO: number, dq: number, lse: number, dRow: number, dMask: number,
    k: number, kt: number, vt: number, dk: number, dv: number,
    fm: number, fmHead: number, bm: number, bmHead: number, b: number, h0: number, group: number,
  ): void;
  pack(src: number, dst: number, n: number, rows: number, cols: number, rowsP: number, colsP: number): void;
  packT(src: number, dst: number, n: number, rows: number, cols: number, rowsP: number, colsP: number): void;
  unpack(src: number, dst: number, n: number, rows: number, cols: number, rowsP: number, colsP: number): void;
}

let compiled: WebAssembly.Module | null | undefined;
let instance: AttentionWasmExports | null = null;

function wasmBytes(): Uint8Array {
  const text = atob(ATTENTION_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function instantiate(module: WebAssembly.Module): AttentionWasmExports {
  // The AssemblyScript stub runtime only imports abort(), unreachable with --noAssert.
  const abort = (): never => {
    throw new Error('attention wasm: abort');
  };
  return new WebAssembly.Instance(module, { env: { abort } }).exports as unknown as AttentionWasmExports;
}

/**
 * Compiles the SIMD module asynchronously, for browsers that refuse synchronous compiles on the
 * main thread. Resolves to whether the SIMD kernels are available.
 */
export async function initAttentionWasm(): Promise<boolean> {
  if (compiled === undefined) {
    try {
      compiled = await WebAssembly.compile(wasmBytes());
    } catch {
      compiled = null;
    }
  }
  return attentionWasm() !== null;
}

/** The SIMD module's exports, compiling it on first use; null where it cannot run. */
export function attentionWasm(): AttentionWasmExports | null {
  if (instance !== null) return instance;
  if (compiled === undefined) {
    try {
      const bytes = wasmBytes();
      compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return null;
  instance = instantiate(compiled);
  return instance;
}

/**
 * Lays out regions of the given byte sizes (16-byte aligned) after the module's static data,
 * grows the memory to fit, and returns their addresses, or null when the 4 GiB address space
 * cannot hold them. The memory is reused by later calls and never shrinks: it stays as large
 * as the largest attention call so far.
 */
export function wasmRegions(w: AttentionWasmExports, sizes: number[]): number[] | null {
  const align = (n: number): number => Math.ceil(n / 16) * 16;
  let at = align(w.heapBase());
  const addresses = sizes.map((size) => {
    const a = at;
    at += align(size);
    return a;
  });
  const need = at - w.memory.buffer.byteLength;
  if (need > 0) {
    try {
      w.memory.grow(Math.ceil(need / 65536));
    } catch {
      return null;
    }
  }
  return addresses;
}
