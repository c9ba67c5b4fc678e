import type { TypedArray } from '@tsgrad/core';

/**
 * Zeroes, in place, the part of each of `batch` row-major `rows × cols` matrices that lies
 * outside the triangle: `upper` keeps elements with `j - i >= diagonal` (triu), otherwise
 * those with `j - i <= diagonal` (tril).
 */
export function maskTriangle(data: TypedArray, batch: number, rows: number, cols: number, diagonal: number, upper: boolean): void {
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < rows; i++) {
      const row = (b * rows + i) * cols;
      if (upper) {
        const end = Math.min(Math.max(i + diagonal, 0), cols);
        if (end > 0) data.fill(0, row, row + end);
      } else {
        const start = Math.min(Math.max(i + diagonal + 1, 0), cols);
        if (start < cols) data.fill(0, row + start, row + cols);
      }
    }
  }
}
