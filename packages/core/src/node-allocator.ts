// Node's allocator for large storage arrays, reached through the global `Buffer` so that this
// module loads anywhere: in browsers `Buffer` is missing and both functions do nothing.

/** Node's `Buffer.allocUnsafeSlow`: uninitialised memory of its own, not from Buffer's pool. */
export type UnsafeAllocator = (size: number) => Uint8Array<ArrayBuffer>;

/** `Buffer.allocUnsafeSlow` where the runtime has it (Node), else undefined. */
export function unsafeAllocator(): UnsafeAllocator | undefined {
  const unsafe = (globalThis as { Buffer?: { allocUnsafeSlow?: UnsafeAllocator } }).Buffer?.allocUnsafeSlow;
  return typeof unsafe === 'function' ? unsafe : undefined;
}

/**
 * Bytes of the block {@link primeLargeAllocations} allocates and drops: just under glibc's
 * 32 MiB cap on its dynamic mmap threshold (freeing a block above the cap moves nothing).
 */
export const PRIMING_BYTES = 31 * 1024 * 1024;

let primed = false;

/**
 * Once per process, on Node: allocates and drops one large untouched block, so that glibc's
 * malloc keeps serving tensor-sized arrays from its heap.
 *
 * Why: glibc serves requests above a dynamic threshold (128 KiB at start) with fresh mmap()ed
 * pages, unmaps them on free, and returns the top of its heap to the system whenever more than
 * twice the threshold lies free there. A training step allocates and frees tens of MB of arrays
 * of 0.25–1 MiB; in a process where nothing larger had been freed, every step faulted those
 * pages in again: the tiny GPT step took 34–41 ms with ~1800 page faults, against 30 ms and
 * ~10 faults once primed (`node --expose-gc bench/dist/gpt-interference.js --libs tsgrad`).
 * glibc raises both thresholds to the size of any mmapped block that is freed, which the garbage
 * collector does with this one at its next collection. With another allocator it costs one
 * short-lived, untouched allocation.
 */
export function primeLargeAllocations(): void {
  if (primed) return;
  primed = true;
  unsafeAllocator()?.(PRIMING_BYTES);
}
