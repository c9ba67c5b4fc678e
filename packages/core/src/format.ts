import type { Tensor } from './tensor.js';

const SUMMARIZE_ABOVE = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

/**
 * PyTorch-style printing: `tensor([[1.0000, 2.5000], ...], shape=[2, 2], dtype=float32)`.
 * Tensors with more than 1000 elements show the first and last 3 entries of each dimension.
 */
export function formatTensor(t: Tensor): string {
  const flat = t.toTypedArray();
  const summarize = t.size > SUMMARIZE_ABOVE;
  const formatValue = valueFormatter(t.dtype, shownValues(t.shape, flat, summarize));
  const prefix = 'tensor(';
  const body = t.ndim === 0 ? formatValue(flat[0]!) : formatDim(t.shape, flat, 0, 0, formatValue, summarize, prefix.length);
  const extras = [`shape=[${t.shape.join(', ')}]`, `dtype=${t.dtype}`];
  if (t.gradFn) extras.push(`gradFn=<${t.gradFn.name}Backward>`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  return `${prefix}${body}, ${extras.join(', ')})`;
}

function formatDim(
  shape: readonly number[],
  flat: ArrayLike<number>,
  dim: number,
  start: number,
  fmt: (v: number) => string,
  summarize: boolean,
  indent: number,
): string {
  const size = shape[dim]!;
  const step = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const indices = visibleIndices(size, summarize);
  if (dim === shape.length - 1) {
    const items = indices.map((i) => (i < 0 ? '...' : fmt(flat[start + i]!)));
    return `[${wrapLine(items, indent + 1)}]`;
  }
  const rows = indices.map((i) =>
    i < 0 ? '...' : formatDim(shape, flat, dim + 1, start + i * step, fmt, summarize, indent + 1),
  );
  const separator = ',' + '\n'.repeat(shape.length - dim - 1) + ' '.repeat(indent + 1);
  return `[${rows.join(separator)}]`;
}

function wrapLine(items: string[], indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (line && next.length + indent > LINE_WIDTH) {
      lines.push(line + ',');
      line = item;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return lines.join('\n' + ' '.repeat(indent));
}

/** Indices shown along a dimension; -1 marks the elided middle. */
function visibleIndices(size: number, summarize: boolean): number[] {
  if (!summarize || size <= 2 * EDGE_ITEMS) return Array.from({ length: size }, (_, i) => i);
  const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
  const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => size - EDGE_ITEMS + i);
  return [...head, -1, ...tail];
}

/** The values that will be printed, so the number format is chosen from them only. */
function shownValues(shape: readonly number[], flat: ArrayLike<number>, summarize: boolean): number[] {
  if (!summarize) return Array.from(flat);
  const out: number[] = [];
  const walk = (dim: number, start: number): void => {
    if (dim === shape.length) {
      out.push(flat[start]!);
      return;
    }
    const step = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    for (const i of visibleIndices(shape[dim]!, true)) if (i >= 0) walk(dim + 1, start + i * step);
  };
  walk(0, 0);
  return out;
}

/** Picks one format for every value, padded to a common width, as PyTorch does. */
function valueFormatter(dtype: string, values: number[]): (v: number) => string {
  let fmt: (v: number) => string;
  if (dtype === 'bool') {
    fmt = (v) => (v ? 'true' : 'false');
  } else if (dtype === 'int32') {
    fmt = (v) => String(v);
  } else {
    const finite = values.filter((v) => Number.isFinite(v));
    const abs = finite.map(Math.abs).filter((v) => v > 0);
    const max = abs.length ? Math.max(...abs) : 0;
    const min = abs.length ? Math.min(...abs) : 0;
    if (finite.every((v) => Number.isInteger(v)) && max < 1e8) {
      fmt = (v) => (Number.isFinite(v) ? `${v}.` : nonFinite(v));
    } else if (max >= 1e8 || min < 1e-4 || max / Math.max(min, Number.MIN_VALUE) > 1000) {
      fmt = (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : nonFinite(v));
    } else {
      fmt = (v) => (Number.isFinite(v) ? v.toFixed(4) : nonFinite(v));
    }
  }
  const width = Math.max(0, ...values.map((v) => fmt(v).length));
  return (v) => fmt(v).padStart(width);
}

function nonFinite(v: number): string {
  return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}
