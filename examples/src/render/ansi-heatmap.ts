import { viridis, tokenLabel } from './colormap.js';

/** Options of the terminal heatmap. */
export interface AnsiHeatmapOptions {
  queryTokens: readonly string[];
  keyTokens: readonly string[];
  /** 24-bit colour backgrounds (a terminal); otherwise a shade ramp of characters. */
  color: boolean;
}

/** Characters from light to heavy for terminals without colour (and for logs). */
const SHADES = ' .:-=+*#%@';

/**
 * Renders one attention map for a terminal: key tokens across the top, query tokens down
 * the left, two character cells per weight, then a legend from 0 to 1.
 */
export function renderAnsiHeatmap(weights: readonly (readonly number[])[], opts: AnsiHeatmapOptions): string {
  const { queryTokens, keyTokens, color } = opts;
  const rowLabels = queryTokens.map(tokenLabel);
  const pad = Math.max(1, ...rowLabels.map((l) => [...l].length)) + 1;
  const lines: string[] = [];
  lines.push(' '.repeat(pad) + keyTokens.map((t) => `${tokenLabel(t)} `).join(''));
  weights.forEach((row, q) => {
    const label = rowLabels[q] ?? '?';
    lines.push(label + ' '.repeat(pad - [...label].length) + row.map((w) => paint(w, color)).join(''));
  });
  const legend = Array.from({ length: 11 }, (_, i) => paint(i / 10, color)).join('');
  lines.push('', `${' '.repeat(pad)}0 ${legend} 1`);
  return `${lines.join('\n')}\n`;
}

function paint(w: number, color: boolean): string {
  const t = Math.min(1, Math.max(0, Number.isFinite(w) ? w : 0));
  if (!color) {
    const c = SHADES[Math.min(SHADES.length - 1, Math.floor(t * SHADES.length))]!;
    return c + c;
  }
  const [r, g, b] = viridis(t);
  return `\x1b[48;2;${r};${g};${b}m  \x1b[0m`;
}
