import type { GradcheckReport } from './types.js';

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toExponential(2) : String(v);
}

/**
 * The report as a plain-text table, one row per checked input, then any extra problems:
 * ```
 * input  shape    max abs err  max rel err  worst   ok
 * 0      [2,3,4]  1.23e-10     4.56e-09     [1,0,2] yes
 * ```
 * `names` labels the rows (default: the input index).
 */
export function formatGradcheckReport(report: GradcheckReport, names?: readonly string[]): string {
  const header = ['input', 'shape', 'max abs err', 'max rel err', 'worst', 'ok'];
  const rows = report.inputs.map((r) => [
    names?.[r.index] ?? String(r.index),
    `[${r.shape.join(',')}]`,
    fmt(r.maxAbsError),
    fmt(r.maxRelError),
    r.worstIndex === null ? '-' : `[${r.worstIndex.join(',')}]`,
    r.passed ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line), ...report.problems.map((p) => `problem: ${p}`)].join('\n');
}
