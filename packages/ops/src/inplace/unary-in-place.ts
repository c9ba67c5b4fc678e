import { coalesceDims, markModified, forEachRow, type Tensor, type UnaryRow } from '@tsgrad/core';

/** Runs a unary row kernel over `target` (any strides) writing back into it, then bumps its version. */
export function updateUnaryInPlace(target: Tensor, row: UnaryRow): void {
  if (target.size > 0) {
    const { shape, strides } = coalesceDims(target.shape, [target.strides]);
    const s = strides[0]![shape.length - 1]!;
    const data = target.storage.data;
    forEachRow(shape, strides, [target.offset], (o, n) => row(data, o[0]!, s, data, o[0]!, s, n));
  }
  markModified(target);
}
