import { renderAnsiHeatmap } from '../src/render/ansi-heatmap';
import { hex, viridis } from '../src/render/colormap';
import { escapeXml, renderSvgHeatmaps, type AttentionMap } from '../src/render/svg-heatmap';
import { findAll, parseXml } from './xml';

function uniformCausal(n: number): number[][] {
  return Array.from({ length: n }, (_, q) => Array.from({ length: n }, (_, k) => (k <= q ? 1 / (q + 1) : 0)));
}

describe('viridis', () => {
  test('hits its end points and clamps', () => {
    expect(hex(viridis(0))).toBe('#440154');
    expect(hex(viridis(1))).toBe('#fde725');
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(7)).toEqual(viridis(1));
    expect(viridis(Number.NaN)).toEqual(viridis(0));
  });
});

describe('renderSvgHeatmaps', () => {
  const tokens = ['1', '<', '&', ' ', '='];
  const maps: AttentionMap[] = [];
  for (let layer = 0; layer < 2; layer++) for (let head = 0; head < 3; head++) maps.push({ layer, head, weights: uniformCausal(5) });
  const svg = renderSvgHeatmaps(maps, { queryTokens: tokens, keyTokens: tokens, title: 'a "quoted" <title> & more' });

  test('is well-formed XML with one heatmap per layer x head', () => {
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    const heatmaps = findAll(root, (e) => e.attrs.class === 'heatmap');
    expect(heatmaps.map((h) => `${h.attrs['data-layer']}/${h.attrs['data-head']}`)).toEqual(['0/0', '0/1', '0/2', '1/0', '1/1', '1/2']);
    for (const h of heatmaps) {
      const cells = findAll(h, (e) => e.name === 'rect' && e.children.some((c) => c.name === 'title'));
      expect(cells).toHaveLength(25);
      const labels = findAll(h, (e) => e.name === 'text').map((t) => t.text);
      expect(labels).toEqual(expect.arrayContaining(['<', '&', '␣']));
    }
    expect(findAll(root, (e) => e.attrs.class === 'colour-scale')).toHaveLength(1);
  });

  test('colours follow the weights', () => {
    const root = parseXml(svg);
    const first = findAll(root, (e) => e.attrs.class === 'heatmap')[0]!;
    const cells = findAll(first, (e) => e.name === 'rect' && e.children.some((c) => c.name === 'title'));
    expect(cells[0]!.attrs.fill).toBe(hex(viridis(1))); // query 0 sees only key 0
    expect(cells[1]!.attrs.fill).toBe(hex(viridis(0))); // blocked
  });

  test('escapes markup in labels and titles', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    expect(parseXml(svg).children.find((c) => c.name === 'text')!.text).toBe('a "quoted" <title> & more');
  });
});

describe('renderAnsiHeatmap', () => {
  test('plain text uses a shade ramp, one row per query', () => {
    const out = renderAnsiHeatmap(uniformCausal(3), { queryTokens: ['a', 'b', 'c'], keyTokens: ['a', 'b', 'c'], color: false });
    expect(out).toBe(['  a b c ', 'a @@    ', 'b ++++  ', 'c ------', '', '  0   ..::--==++**##%%@@@@ 1', ''].join('\n'));
  });

  test('colour output uses 24-bit backgrounds', () => {
    const out = renderAnsiHeatmap([[1]], { queryTokens: ['x'], keyTokens: ['x'], color: true });
    expect(out).toContain('\x1b[48;2;253;231;37m  \x1b[0m');
  });
});
