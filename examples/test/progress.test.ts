import { ProgressReporter, formatCount, formatDuration } from '../src/training/progress';
import { MetricsLog, readMetrics } from '../src/training/metrics';
import { join } from 'node:path';
import { tempDir } from './helpers';

function sink(isTTY: boolean) {
  const out = { text: '', isTTY, write: (s: string) => (out.text += s) };
  return out;
}

describe('progress', () => {
  test('formats durations and counts', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(65)).toBe('1m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatCount(950)).toBe('950');
    expect(formatCount(12345)).toBe('12.3k');
    expect(formatCount(1.2e6)).toBe('1.20M');
  });

  test('prints plain lines every logEvery steps off a terminal', () => {
    const out = sink(false);
    const p = new ProgressReporter(out, { totalSteps: 10, logEvery: 5, live: false });
    for (let step = 1; step <= 10; step++) p.update({ step, loss: 1 / step, lr: 1e-3, tokens: 1000, seconds: 0.5 });
    const lines = out.text.trimEnd().split('\n');
    expect(lines).toEqual([
      'step  5/10 | loss 0.2000 | lr 1.00e-3 | 2000 tok/s | ETA 3s',
      'step 10/10 | loss 0.1000 | lr 1.00e-3 | 2000 tok/s | ETA 0s',
    ]);
  });

  test('redraws one line on a terminal and keeps messages above it', () => {
    const out = sink(true);
    let now = 0;
    const p = new ProgressReporter(out, { totalSteps: 3, logEvery: 1, live: true, now: () => now });
    p.update({ step: 1, loss: 2, lr: 1, tokens: 10, seconds: 1 });
    now = 50;
    p.update({ step: 2, loss: 1.5, lr: 1, tokens: 10, seconds: 1 }); // throttled
    p.message('eval step 2: ...');
    now = 500;
    p.update({ step: 3, loss: 1, lr: 1, tokens: 10, seconds: 1 });
    p.finish();
    expect(out.text).toBe(
      '\rstep 1/3 | loss 2.0000 | lr 1.00e+0 | 10 tok/s | ETA 2s\x1b[K' +
        '\r\x1b[Keval step 2: ...\n' +
        '\rstep 3/3 | loss 1.0000 | lr 1.00e+0 | 10 tok/s | ETA 0s\x1b[K\n',
    );
  });
});

describe('MetricsLog', () => {
  test('appends JSON lines and a resume drops records after the checkpoint', () => {
    const file = join(tempDir(), 'metrics.jsonl');
    const log = MetricsLog.create(file);
    for (let step = 1; step <= 4; step++) log.append({ type: 'train', step, loss: step, lr: 0, gradNorm: 0, tokensPerSec: 0, elapsedSec: 0 });
    log.append({ type: 'eval', step: 4, valLoss: 1, valAccuracy: 0.5, elapsedSec: 0 });
    const resumed = MetricsLog.resume(file, 2);
    resumed.append({ type: 'train', step: 3, loss: 30, lr: 0, gradNorm: 0, tokensPerSec: 0, elapsedSec: 0 });
    expect(readMetrics(file).map((r) => [r.type, r.step])).toEqual([
      ['train', 1],
      ['train', 2],
      ['train', 3],
    ]);
  });
});
