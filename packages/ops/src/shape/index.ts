/** Shape and indexing ops: joining, splitting, tiling, triangles, gather/scatter, one-hot. */
export { flatten, expandAs } from './flatten.js';
export { matrixTranspose, reverseDims } from './matrix-transpose.js';
export { cat, stack } from './cat.js';
export { split, chunk } from './split.js';
export { repeat, repeatInterleave } from './repeat.js';
export { triu, tril } from './triangular.js';
export { gather, scatterAdd } from './gather.js';
export { indexSelect } from './index-select.js';
export { oneHot } from './one-hot.js';
