import { hex, tokenLabel, viridis } from './colormap.js';

/** One attention map: weights[q][k] for query position q and key position k. */
export interface AttentionMap {
  layer: number;
  head: number;
  weights: readonly (readonly number[])[];
}

/** What the SVG grid shows. */
export interface SvgHeatmapOptions {
  /** Labels of the query positions (rows) and key positions (columns). */
  queryTokens: readonly string[];
  keyTokens: readonly string[];
  /** Title at the top (e.g. the checkpoint and the input). */
  title?: string;
  /** Side of one cell in pixels (default 18). */
  cell?: number;
}

/** Coordinates with two decimals at most: smaller files, no float noise. */
function px(x: number): number {
  return Math.round(x * 100) / 100;
}

const FONT = 'font-family="ui-monospace, Menlo, Consolas, monospace"';

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/**
 * Renders attention maps as one SVG: a grid with a row per layer and a column per head, each
 * heatmap with the query tokens down its left side and the key tokens along its top, and a
 * colour scale from 0 to 1 on the right. Weights are probabilities, so the scale is fixed.
 */
export function renderSvgHeatmaps(maps: readonly AttentionMap[], opts: SvgHeatmapOptions): string {
  const cell = Math.round(opts.cell ?? 18);
  const { queryTokens, keyTokens } = opts;
  const layers = Math.max(...maps.map((m) => m.layer)) + 1;
  const heads = Math.max(...maps.map((m) => m.head)) + 1;
  const labelBand = Math.round(cell * 1.2);
  const panelW = labelBand + keyTokens.length * cell;
  const panelH = 20 + labelBand + queryTokens.length * cell;
  const gap = Math.round(cell * 1.5);
  const top = opts.title === undefined ? 10 : 40;
  const gridW = heads * panelW + (heads - 1) * gap;
  const scaleX = 20 + gridW + gap;
  const width = scaleX + 60;
  const height = top + layers * panelH + (layers - 1) * gap + 20;
  const fontSize = Math.round(cell * 0.62);

  const parts: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (opts.title !== undefined) {
    parts.push(`<text x="20" y="24" font-size="${px(fontSize + 4)}" ${FONT}>${escapeXml(opts.title)}</text>`);
  }
  for (const map of maps) {
    const x0 = 20 + map.head * (panelW + gap);
    const y0 = top + map.layer * (panelH + gap);
    parts.push(`<g class="heatmap" data-layer="${map.layer}" data-head="${map.head}" transform="translate(${x0},${y0})">`);
    parts.push(`<text x="${labelBand}" y="12" font-size="${fontSize}" ${FONT}>layer ${map.layer} · head ${map.head}</text>`);
    const gx = labelBand;
    const gy = 20 + labelBand;
    keyTokens.forEach((t, k) => {
      parts.push(
        `<text x="${px(gx + (k + 0.5) * cell)}" y="${px(gy - 5)}" font-size="${fontSize}" text-anchor="middle" ${FONT}>${escapeXml(tokenLabel(t))}</text>`,
      );
    });
    queryTokens.forEach((t, q) => {
      parts.push(
        `<text x="${px(gx - 5)}" y="${px(gy + (q + 0.5) * cell)}" font-size="${fontSize}" text-anchor="end" dominant-baseline="central" ${FONT}>${escapeXml(tokenLabel(t))}</text>`,
      );
    });
    map.weights.forEach((row, q) => {
      row.forEach((w, k) => {
        parts.push(
          `<rect x="${px(gx + k * cell)}" y="${px(gy + q * cell)}" width="${cell}" height="${cell}" fill="${hex(viridis(w))}"><title>${escapeXml(
            `${tokenLabel(queryTokens[q] ?? '?')} → ${tokenLabel(keyTokens[k] ?? '?')}: ${w.toFixed(3)}`,
          )}</title></rect>`,
        );
      });
    });
    parts.push(`<rect x="${gx}" y="${gy}" width="${px(keyTokens.length * cell)}" height="${px(queryTokens.length * cell)}" fill="none" stroke="#333" stroke-width="0.5"/>`);
    parts.push('</g>');
  }
  parts.push(colourScale(scaleX, top + 20 + labelBand, Math.max(4 * cell, Math.min(queryTokens.length * cell, 240)), fontSize));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function colourScale(x: number, y: number, h: number, fontSize: number): string {
  const steps = 32;
  const parts = [`<g class="colour-scale" transform="translate(${x},${y})">`];
  for (let i = 0; i < steps; i++) {
    const t = 1 - (i + 0.5) / steps;
    parts.push(`<rect x="0" y="${((i * h) / steps).toFixed(2)}" width="14" height="${(h / steps + 0.5).toFixed(2)}" fill="${hex(viridis(t))}"/>`);
  }
  parts.push(`<rect x="0" y="0" width="14" height="${h}" fill="none" stroke="#333" stroke-width="0.5"/>`);
  for (const [t, label] of [
    [1, '1'],
    [0.5, '0.5'],
    [0, '0'],
  ] as const) {
    parts.push(`<text x="18" y="${px((1 - t) * h)}" font-size="${fontSize}" dominant-baseline="central" ${FONT}>${label}</text>`);
  }
  parts.push('</g>');
  return parts.join('\n');
}
