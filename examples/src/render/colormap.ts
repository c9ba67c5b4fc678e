/** An RGB colour, each channel 0-255. */
export type Rgb = readonly [number, number, number];

/** Viridis sampled at nine evenly spaced points: perceptually uniform and colour-blind safe. */
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 145, 140],
  [40, 174, 128],
  [94, 201, 98],
  [173, 220, 48],
  [253, 231, 37],
];

/** The viridis colour of `t` in [0, 1] (clamped), linearly interpolated between samples. */
export function viridis(t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * f)) as unknown as Rgb;
}

/** `#rrggbb` of a colour. */
export function hex(rgb: Rgb): string {
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** How a token is shown on an axis: visible stand-ins for blanks and control characters. */
export function tokenLabel(token: string): string {
  if (token === ' ') return '␣';
  if (token === '\n') return '⏎';
  if (token === '\t') return '⇥';
  return token.replace(/[\u0000-\u001f\u007f]/g, '·');
}
