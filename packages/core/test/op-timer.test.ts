import { Generator, randn, setOpTimer, type OpPhase } from '../src/index.js';

describe('setOpTimer', () => {
  afterEach(() => setOpTimer(null));

  test('reports each forward and backward with its span, nested spans inside their parent', () => {
    const g = new Generator(2);
    const a = randn([3, 4], { generator: g }).requiresGrad_();
    const b = randn([3, 4], { generator: g }).requiresGrad_();
    const spans: { op: string; phase: OpPhase; start: number; end: number }[] = [];
    setOpTimer((op, phase, start, end) => spans.push({ op, phase, start, end }));
    const loss = a.mul(b).sum();
    loss.backward();
    setOpTimer(null);
    a.add(b);

    const names = spans.map((s) => `${s.op} ${s.phase}`);
    expect(names).toEqual(expect.arrayContaining(['mul forward', 'sum forward', 'sum backward', 'mul backward']));
    expect(names).not.toContain('add forward'); // after removal
    for (const s of spans) expect(s.end).toBeGreaterThanOrEqual(s.start);
    // mul's backward computes dy·b and dy·a with mul: those spans lie inside it.
    const mulBackward = spans.find((s) => s.op === 'mul' && s.phase === 'backward')!;
    const inner = spans.filter((s) => s !== mulBackward && s.start >= mulBackward.start && s.end <= mulBackward.end);
    expect(inner.length).toBeGreaterThan(0);
  });
});
