import { dropoutBits, dropoutKeep, dropoutRowKey } from '../../src/kernels/attention.js';

describe('dropoutKeep', () => {
  test('is a pure function of (seed, b, h, i, j, p)', () => {
    const first = [];
    const second = [];
    for (let j = 0; j < 50; j++) first.push(dropoutKeep(42, 1, 2, 3, j, 0.4));
    for (let j = 0; j < 50; j++) second.push(dropoutKeep(42, 1, 2, 3, j, 0.4));
    expect(second).toEqual(first);
    expect(first).toContain(true);
    expect(first).toContain(false);
  });

  test('p = 0 keeps everything, p = 1 drops everything', () => {
    for (let j = 0; j < 200; j++) {
      expect(dropoutKeep(7, 0, 0, j % 13, j, 0)).toBe(true);
      expect(dropoutKeep(7, 0, 0, j % 13, j, 1)).toBe(false);
    }
  });

  test('keeps a fraction 1 - p, independently across rows, columns, heads and seeds', () => {
    const p = 0.3;
    const n = 200;
    let kept = 0;
    let sameAsNextJ = 0;
    let sameAsNextI = 0;
    let sameAsNextH = 0;
    let sameAsNextSeed = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = dropoutKeep(5, 0, 1, i, j, p);
        if (x) kept++;
        if (x === dropoutKeep(5, 0, 1, i, j + 1, p)) sameAsNextJ++;
        if (x === dropoutKeep(5, 0, 1, i + 1, j, p)) sameAsNextI++;
        if (x === dropoutKeep(5, 0, 2, i, j, p)) sameAsNextH++;
        if (x === dropoutKeep(6, 0, 1, i, j, p)) sameAsNextSeed++;
      }
    }
    const total = n * n;
    // Binomial standard deviation of the fraction is ~0.0023 here; allow ~4 sigma.
    expect(Math.abs(kept / total - (1 - p))).toBeLessThan(0.01);
    const agree = p * p + (1 - p) * (1 - p);
    for (const same of [sameAsNextJ, sameAsNextI, sameAsNextH, sameAsNextSeed]) {
      expect(Math.abs(same / total - agree)).toBeLessThan(0.01);
    }
  });

  test('rows of one head never share a key; dropoutKeep is built from rowKey and bits', () => {
    const keys = new Set<number>();
    for (let i = 0; i < 5000; i++) keys.add(dropoutRowKey(9, 3, 1, i));
    expect(keys.size).toBe(5000);
    const key = dropoutRowKey(9, 3, 1, 17);
    for (let j = 0; j < 20; j++) {
      expect(dropoutKeep(9, 3, 1, 17, j, 0.5)).toBe(dropoutBits(key, j) >= 2 ** 31);
    }
  });
});
