import { flagName, formatHelp, parseCommand, type OptionSpecs } from '../src/args';
import { UsageError } from '../src/errors';

const SPECS = {
  steps: { type: 'int', min: 1, default: 10, description: 'steps' },
  dModel: { type: 'int', min: 1, description: 'width' },
  lr: { type: 'float', min: 0, exclusiveMin: true, default: 0.1, description: 'rate' },
  ffn: { type: 'enum', choices: ['gelu', 'swiglu'], default: 'gelu', description: 'ffn' },
  out: { type: 'string', metavar: 'DIR', description: 'out' },
  quiet: { type: 'boolean', description: 'quiet' },
  secret: { type: 'boolean', hidden: true, description: 'hidden hook' },
} as const satisfies OptionSpecs;

function usage(argv: string[]): string {
  try {
    parseCommand('train', SPECS, argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseCommand', () => {
  test('converts values, fills defaults and records what was given', () => {
    const { values, given, help } = parseCommand('train', SPECS, ['--d-model', '48', '--lr=0.5', '--ffn', 'swiglu', '--quiet']);
    expect(values).toEqual({ steps: 10, dModel: 48, lr: 0.5, ffn: 'swiglu', out: undefined, quiet: true, secret: false });
    expect([...given].sort()).toEqual(['dModel', 'ffn', 'lr', 'quiet']);
    expect(help).toBe(false);
  });

  test('kebab-cases camelCase keys', () => {
    expect(flagName('dModel')).toBe('d-model');
    expect(flagName('maxNewTokens')).toBe('max-new-tokens');
  });

  test('refuses unknown flags, bad numbers, out-of-range values and bad choices', () => {
    expect(usage(['--bogus'])).toBe('train: unknown option --bogus');
    expect(usage(['--dmodel', '8'])).toBe('train: unknown option --dmodel; did you mean --d-model?');
    expect(usage(['--steps=-5'])).toBe('train: --steps must be >= 1; got -5');
    expect(usage(['--steps', '-5'])).toBe('train: --steps must be >= 1; got -5');
    expect(usage(['--steps', '2.5'])).toBe("train: --steps must be an integer; got '2.5'");
    expect(usage(['--lr', '0'])).toBe('train: --lr must be > 0; got 0');
    expect(usage(['--lr', 'fast'])).toBe("train: --lr must be a number; got 'fast'");
    expect(usage(['--ffn', 'relu'])).toBe("train: --ffn must be one of gelu, swiglu; got 'relu'");
    expect(usage(['--out'])).toMatch(/argument missing/);
    expect(usage(['extra'])).toBe("train: unexpected argument 'extra'");
  });

  test('accepts positionals up to the limit', () => {
    expect(parseCommand('sample', SPECS, ['runs/x'], { maxPositionals: 1 }).positionals).toEqual(['runs/x']);
  });

  test('help lists visible flags with defaults and hides hidden ones', () => {
    const text = formatHelp('tsgrad train [options]', 'Trains.', SPECS);
    expect(text).toContain('--d-model N');
    expect(text).toContain('--ffn gelu|swiglu');
    expect(text).toContain('rate (default 0.1)');
    expect(text).toContain('--out DIR');
    expect(text).not.toContain('--secret');
    expect(parseCommand('train', SPECS, ['-h']).help).toBe(true);
  });
});
