import { Buffer } from 'node:buffer';

// Each test loads fresh copies of the modules: priming happens once per module instance.
type Allocator = typeof import('../src/node-allocator.js');
type DTypes = typeof import('../src/dtype.js');

function fresh(): { allocator: Allocator; dtype: DTypes } {
  let modules: { allocator: Allocator; dtype: DTypes } | undefined;
  jest.isolateModules(() => {
    modules = { allocator: require('../src/node-allocator.js'), dtype: require('../src/dtype.js') };
  });
  return modules!;
}

describe('primeLargeAllocations', () => {
  afterEach(() => jest.restoreAllMocks());

  test('allocates the priming block once, below the 32 MiB cap of glibc’s dynamic threshold', () => {
    const { allocator } = fresh();
    const spy = jest.spyOn(Buffer, 'allocUnsafeSlow');
    allocator.primeLargeAllocations();
    allocator.primeLargeAllocations();
    expect(spy.mock.calls).toEqual([[allocator.PRIMING_BYTES]]);
    // A freed block moves the threshold only if its mapping (size + header, page-rounded) stays within 32 MiB.
    expect(allocator.PRIMING_BYTES + 65536).toBeLessThanOrEqual(32 * 1024 * 1024);
  });

  test('the first large allocation primes, small ones and later ones do not', () => {
    const { allocator, dtype } = fresh();
    const spy = jest.spyOn(Buffer, 'allocUnsafeSlow');
    dtype.allocate('float32', 100);
    dtype.allocateUninitialized('float32', 100);
    expect(spy).not.toHaveBeenCalled();
    dtype.allocateUninitialized('float32', 20000);
    expect(spy.mock.calls).toEqual([[allocator.PRIMING_BYTES], [80000]]);
    dtype.allocate('float64', 20000);
    dtype.allocateUninitialized('float32', 30000);
    expect(spy.mock.calls).toEqual([[allocator.PRIMING_BYTES], [80000], [120000]]);
  });

  test('a zeroed large allocation primes too', () => {
    const { allocator, dtype } = fresh();
    const spy = jest.spyOn(Buffer, 'allocUnsafeSlow');
    const a = dtype.allocate('int32', 16384);
    expect(a.every((v) => v === 0)).toBe(true);
    expect(spy.mock.calls).toEqual([[allocator.PRIMING_BYTES]]);
  });

  test('where the runtime has no Buffer (browsers) it does nothing', () => {
    const { allocator, dtype } = fresh();
    const holder = globalThis as { Buffer?: unknown };
    const saved = holder.Buffer;
    try {
      holder.Buffer = undefined;
      expect(allocator.unsafeAllocator()).toBeUndefined();
      expect(() => allocator.primeLargeAllocations()).not.toThrow();
      expect(dtype.allocateUninitialized('float32', 20000)).toEqual(new Float32Array(20000));
    } finally {
      holder.Buffer = saved;
    }
  });
});
