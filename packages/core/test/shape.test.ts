import { ShapeError, broadcastShapes, canBroadcastTo, inferShape, normalizeDim, tensor, zeros, ones } from '../src/index.js';

describe('broadcastShapes follows the NumPy/PyTorch table', () => {
  const table: [number[], number[], number[] | null][] = [
    [[], [], []],
    [[3], [], [3]],
    [[2, 3], [3], [2, 3]],
    [[2, 1], [1, 3], [2, 3]],
    [[5, 1, 4], [3, 1], [5, 3, 4]],
    [[1], [0], [0]],
    [[0], [1], [0]],
    [[2, 0], [1], [2, 0]],
    [[0, 3], [2, 3], null],
    [[2], [3], null],
    [[2, 3], [3, 2], null],
    [[8, 1, 6, 1], [7, 1, 5], [8, 7, 6, 5]],
  ];
  test.each(table)('%j with %j', (a, b, expected) => {
    if (expected === null) {
      expect(() => broadcastShapes('add', a, b)).toThrow(ShapeError);
      expect(() => broadcastShapes('add', a, b)).toThrow(/add: shapes \[.*\] and \[.*\] do not broadcast/);
    } else {
      expect(broadcastShapes('add', a, b)).toEqual(expected);
      expect(broadcastShapes('add', b, a)).toEqual(expected);
    }
  });

  test('elementwise ops broadcast values, including size-0 results', () => {
    const col = tensor([[1], [2]]);
    const row = tensor([10, 20, 30]);
    expect(col.add(row).toArray()).toEqual([[11, 21, 31], [12, 22, 32]]);
    expect(zeros([0, 3]).add(ones([3])).shape).toEqual([0, 3]);
    expect(zeros([2, 0]).mul(ones([2, 1])).shape).toEqual([2, 0]);
  });
});

test('canBroadcastTo, inferShape and normalizeDim', () => {
  expect(canBroadcastTo([3, 1], [2, 3, 4])).toBe(true);
  expect(canBroadcastTo([3, 2], [2, 3, 4])).toBe(false);
  expect(inferShape('reshape', [2, 6], [3, -1])).toEqual([3, 4]);
  expect(() => inferShape('reshape', [2, 6], [5, -1])).toThrow('reshape: shape [5,-1] is invalid for input of shape [2,6] (12 elements)');
  expect(() => inferShape('reshape', [2, 6], [-1, -1])).toThrow(/only one dimension can be -1/);
  expect(normalizeDim('sum', -1, 3)).toBe(2);
  expect(() => normalizeDim('sum', 3, 3)).toThrow('sum: dim 3 is out of range for a tensor with 3 dimensions (expected -3..2)');
});
