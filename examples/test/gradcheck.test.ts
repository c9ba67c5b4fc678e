import { cli } from './helpers';

const SMALL = ['--batch', '1', '--heads', '2', '--kv-heads', '1', '--len', '2', '--kv-len', '3', '--head-dim', '2'];

describe('tsgrad gradcheck', () => {
  test('every attention case passes, in both implementations, with a table per check', async () => {
    const r = await cli(['gradcheck', ...SMALL]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const name of ['sdpa/none', 'sdpa/bool', 'sdpa/float', 'sdpa/causal', 'sdpa/fully-masked', 'sdpa/gqa']) {
      expect(r.stdout).toContain(`${name} [fused]\n`);
      expect(r.stdout).toContain(`${name} [composite]\n`);
    }
    expect(r.stdout).toContain('mhsa\n');
    expect(r.stdout).toContain('mhsa/rope\n');
    expect(r.stdout).toMatch(/ {2}input +shape +max abs err +max rel err +worst +ok\n {2}q +\[1,2,2,2\] /);
    expect(r.stdout).toMatch(/ {2}mask +\[2,3\] .* yes\n/);
    expect(r.stdout).toMatch(/ {2}qProj\.weight +\[4,4\] /);
    expect(r.stdout).toContain('14 checks: 14 passed, 0 failed\n');
  }, 60_000);

  test('registered ops by name', async () => {
    const r = await cli(['gradcheck', '--op', 'tanh,softmax', '--shape', '2,3', '--args', '{"dim":-1}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 checks: 2 passed, 0 failed');
  });

  test('a deliberately broken op fails and exits non-zero', async () => {
    const r = await cli(['gradcheck', '--with-broken-op', '--op', 'examples.brokenSquare,exp']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/op\/examples\.brokenSquare\n.*\n {2}x +\[3,4\] +\S+ +5\.00e-1 .* NO\n {2}FAIL\n/);
    expect(r.stdout).toContain('2 checks: 1 passed, 1 failed');
    expect(r.stderr).toBe('tsgrad gradcheck: 1 of 2 checks failed\n');
  });

  test('bad options are usage errors', async () => {
    expect((await cli(['gradcheck', '--case', 'sdpa-nope'])).code).toBe(2);
    expect((await cli(['gradcheck', '--heads', '3', '--kv-heads', '2'])).code).toBe(2);
    const op = await cli(['gradcheck', '--op', 'noSuchOp']);
    expect(op.code).toBe(2);
    expect(op.stderr).toMatch(/^tsgrad gradcheck: no registered op named 'noSuchOp'/);
    expect((await cli(['gradcheck', '--op', 'exp', '--args', '[1]'])).code).toBe(2);
  });
});
