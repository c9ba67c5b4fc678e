import { gemmF32RelaxedSimdWasm, gemmF32SimdWasm } from './wasm/gemm-f32-wasm.generated.js';
import type { GemmArgs, GemmBackend } from './gemm-types.js';
import { itemAt, place, placement, stage, unstage } from './gemm-staging.js';

// Driver for the WebAssembly float32 GEMM (assembly/gemm-f32.ts). Operands live in JS typed
// arrays, so each call copies A and B into the module's linear memory, runs the kernel once per
// batch item, and copies C back. Memory grows on demand and is kept, so repeated sizes allocate
// nothing. Instances are created lazily and synchronously (the modules are under 4 KB); where a
// browser refuses synchronous compilation the error is caught, gemm runs in TypeScript, and
// `initGemm()` (gemm.ts) compiles the modules asynchronously so later calls get WebAssembly.

/** The two builds of the kernel: FMA through relaxed SIMD, or multiply + add. */
export type WasmVariant = 'relaxed-simd' | 'simd';

/** The kernel build a WebAssembly backend runs, or null for the TypeScript one. */
export function wasmVariantOf(backend: GemmBackend): WasmVariant | null {
  if (backend === 'typescript') return null;
  return backend === 'wasm-relaxed-simd' ? 'relaxed-simd' : 'simd';
}

interface KernelExports {
  memory: WebAssembly.Memory;
  gemm(
    m: number, n: number, k: number,
    a: number, ars: number, acs: number,
    b: number, brs: number, bcs: number,
    c: number, crs: number,
    alpha: number, accumulate: number, work: number,
  ): void;
  workspaceBytes(): number;
  heapBase(): number;
}

/** An instantiated kernel module and the layout of its linear memory. */
export interface WasmGemmKernel {
  exports: KernelExports;
  /** Byte address of the packing workspace; operands follow it. */
  work: number;
  /** First byte after the workspace. */
  heap: number;
  /** View of the whole memory, replaced after every grow (growing detaches the old buffer). */
  f32: Float32Array;
}

const sources: Record<WasmVariant, string> = {
  'relaxed-simd': gemmF32RelaxedSimdWasm,
  simd: gemmF32SimdWasm,
};
const kernels: Partial<Record<WasmVariant, WasmGemmKernel | null>> = {};
const modules: Partial<Record<WasmVariant, WebAssembly.Module>> = {};

/** The bytes of a base64-encoded module (the generated files embed them so). */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function instantiate(module: WebAssembly.Module): WasmGemmKernel {
  const exports = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  const work = (exports.heapBase() + 63) & ~63;
  const heap = work + exports.workspaceBytes();
  return { exports, work, heap, f32: new Float32Array(exports.memory.buffer) };
}

/**
 * The kernel instance for `variant`, created on first use; null where this runtime lacks the
 * instruction set (WebAssembly.validate says no) or refuses to compile synchronously.
 */
export function loadWasmKernel(variant: WasmVariant): WasmGemmKernel | null {
  const known = kernels[variant];
  if (known !== undefined) return known;
  let kernel: WasmGemmKernel | null = null;
  try {
    if (typeof WebAssembly === 'object') {
      let module = modules[variant];
      if (module === undefined) {
        const bytes = decodeBase64(sources[variant]);
        if (WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
      }
      if (module !== undefined) kernel = instantiate(module);
    }
  } catch {
    kernel = null;
  }
  kernels[variant] = kernel;
  return kernel;
}

/**
 * Forgets the variants found missing, so the next `loadWasmKernel` validates them again
 * (after a runtime feature such as relaxed SIMD was switched on).
 */
export function forgetMissingWasmKernels(): void {
  for (const variant of Object.keys(sources) as WasmVariant[]) if (kernels[variant] === null) delete kernels[variant];
}

/**
 * Compiles both variants asynchronously, for browsers that disallow synchronous compilation;
 * afterwards `loadWasmKernel` instantiates from the compiled modules. Safe to call repeatedly.
 */
export async function compileWasmKernels(): Promise<void> {
  if (typeof WebAssembly !== 'object') return;
  for (const variant of Object.keys(sources) as WasmVariant[]) {
    if (modules[variant] !== undefined || kernels[variant]) continue;
    const bytes = decodeBase64(sources[variant]);
    if (!WebAssembly.validate(bytes)) continue;
    modules[variant] = await WebAssembly.compile(bytes);
    if (kernels[variant] === null) delete kernels[variant];
  }
}

/** Grows the kernel's memory to at least `bytes`; false if the runtime refuses. */
export function reserve(kernel: WasmGemmKernel, bytes: number): boolean {
  const memory = kernel.exports.memory;
  const have = memory.buffer.byteLength;
  if (bytes > have) {
    try {
      memory.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      return false;
    }
  }
  if (kernel.f32.buffer !== memory.buffer) kernel.f32 = new Float32Array(memory.buffer);
  return true;
}

// One record per operand, reused by every call.
const placeA = placement();
const placeB = placement();
const placeC = placement();

/**
 * Runs `args` (already checked; float32; m, n, k, batch >= 1) on the wasm kernel. Returns false,
 * having changed nothing, when linear memory cannot grow to fit the operands.
 */
export function gemmWasm(kernel: WasmGemmKernel, args: GemmArgs<Float32Array>, batch: number): boolean {
  const { m, n, k, a, b, c, aRowStride, aColStride, bRowStride, bColStride, cRowStride } = args;
  const pa = place(placeA, args.aOffsets, batch, m, k, aRowStride, aColStride);
  const pb = place(placeB, args.bOffsets, batch, k, n, bRowStride, bColStride);
  const pc = place(placeC, args.cOffsets, batch, m, n, cRowStride, 1);
  // Element indices in linear memory, each block 64-byte aligned.
  const aAt = kernel.heap >> 2;
  const bAt = aAt + ((pa.size + 15) & ~15);
  const cAt = bAt + ((pb.size + 15) & ~15);
  if (!reserve(kernel, (cAt + pc.size) * 4)) return false;
  const f32 = kernel.f32;
  stage(f32, aAt, pa, a, args.aOffsets, batch, m, k, aRowStride, aColStride);
  stage(f32, bAt, pb, b, args.bOffsets, batch, k, n, bRowStride, bColStride);
  // A C window with gaps between rows or items is copied in too, so that copying it back out
  // preserves what the gaps hold.
  const gapless = pc.size === batch * m * n && (m === 1 || cRowStride === n);
  if (args.accumulate || (pc.window && !gapless)) {
    stage(f32, cAt, pc, c, args.cOffsets, batch, m, n, cRowStride, 1);
  }
  const gemm = kernel.exports.gemm;
  const alpha = args.alpha ?? 1;
  const acc = args.accumulate ? 1 : 0;
  for (let t = 0; t < batch; t++) {
    const aPtr = itemAt(pa, aAt, args.aOffsets, t, m * k);
    const bPtr = itemAt(pb, bAt, args.bOffsets, t, k * n);
    const cPtr = itemAt(pc, cAt, args.cOffsets, t, m * n);
    gemm(
      m, n, k,
      aPtr * 4, pa.window ? aRowStride : k, pa.window ? aColStride : 1,
      bPtr * 4, pb.window ? bRowStride : n, pb.window ? bColStride : 1,
      cPtr * 4, pc.window ? cRowStride : n,
      alpha, acc, kernel.work,
    );
  }
  unstage(f32, cAt, pc, c, args.cOffsets, batch, m, n, cRowStride);
  return true;
}
