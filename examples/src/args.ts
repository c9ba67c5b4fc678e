/// <reference types="node" />
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

interface BaseOption {
  /** One line for `--help`. */
  description: string;
  /** Heading the option is listed under in `--help`. */
  group?: string;
  /** Left out of `--help` (test hooks). */
  hidden?: boolean;
}

/** An integer flag, range-checked. */
export interface IntOption extends BaseOption {
  type: 'int';
  default?: number;
  min?: number;
  max?: number;
}

/** A finite number flag, range-checked (`min`/`max` inclusive unless `exclusiveMin`). */
export interface FloatOption extends BaseOption {
  type: 'float';
  default?: number;
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
}

/** A free-form string flag. */
export interface StringOption extends BaseOption {
  type: 'string';
  default?: string;
  /** Name of the value in `--help` (`--out DIR`). */
  metavar?: string;
}

/** A flag whose value must be one of `choices`. */
export interface EnumOption<C extends string = string> extends BaseOption {
  type: 'enum';
  choices: readonly C[];
  default?: C;
}

/** A boolean switch (false unless given). */
export interface SwitchOption extends BaseOption {
  type: 'boolean';
}

/** Any option of a command. */
export type OptionSpec = IntOption | FloatOption | StringOption | EnumOption | SwitchOption;

/** A command's options, keyed by camelCase name; the flag is its kebab-case form. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<O> = O extends { type: 'int' | 'float' }
  ? number
  : O extends { type: 'enum'; choices: readonly (infer C)[] }
    ? C
    : O extends { type: 'string' }
      ? string
      : boolean;

/** Parsed values: options with a default (and switches) are always present. */
export type ParsedOptions<S extends OptionSpecs> = {
  -readonly [K in keyof S]: S[K] extends { type: 'boolean' } | { default: unknown } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

/** What `parseCommand` returns. */
export interface ParsedCommand<S extends OptionSpecs> {
  values: ParsedOptions<S>;
  positionals: string[];
  /** The options the user actually gave (resume refuses changes to the others). */
  given: Set<keyof S & string>;
  /** True when `--help` / `-h` was given: print help and do nothing else. */
  help: boolean;
}

/** The flag spelling of an option key: `dModel` → `d-model`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Parses `argv` against `specs` with `util.parseArgs` (strict), converts and range-checks
 * every value, fills in defaults. Every mistake becomes a UsageError naming the flag.
 */
export function parseCommand<S extends OptionSpecs>(
  command: string,
  specs: S,
  argv: readonly string[],
  opts: { maxPositionals?: number } = {},
): ParsedCommand<S> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [key, spec] of Object.entries(specs)) options[flagName(key)] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  let raw: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    raw = parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${command}: ${describeParseError(err as NodeJS.ErrnoException, Object.keys(options))}`);
  }
  const maxPositionals = opts.maxPositionals ?? 0;
  if (raw.positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument '${raw.positionals[maxPositionals]}'`);
  }
  const values: Record<string, unknown> = {};
  const given = new Set<keyof S & string>();
  for (const [key, spec] of Object.entries(specs)) {
    const rawValue = raw.values[flagName(key)];
    if (rawValue !== undefined) given.add(key as keyof S & string);
    if (spec.type === 'boolean') values[key] = rawValue === true;
    else if (rawValue === undefined) values[key] = spec.default;
    else values[key] = convert(command, key, spec, rawValue as string);
  }
  return { values: values as ParsedOptions<S>, positionals: raw.positionals, given, help: raw.values.help === true };
}

/** parseArgs' message in short, with a suggestion for a mistyped flag. */
function describeParseError(err: NodeJS.ErrnoException, flags: readonly string[]): string {
  const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(err.message);
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== null) {
    const name = unknown[2]!;
    const best = flags
      .map((f) => [f, editDistance(name, f)] as const)
      .sort((a, b) => a[1] - b[1])[0];
    const hint = best !== undefined && best[1] <= Math.max(1, Math.floor(name.length / 3)) ? `; did you mean --${best[0]}?` : '';
    return `unknown option ${unknown[1]}${name}${hint}`;
  }
  return err.message.split('\n')[0]!;
}

/** Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * `--steps -5` reads as a flag followed by the value -5, not as an unknown flag `-5`:
 * parseArgs refuses values that start with a dash, so they are joined as `--steps=-5`.
 */
function joinNegativeValues(argv: readonly string[], options: Record<string, { type: 'string' | 'boolean' }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const takesValue = arg.startsWith('--') && !arg.includes('=') && options[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function convert(command: string, key: string, spec: Exclude<OptionSpec, SwitchOption>, text: string): string | number {
  const flag = `--${flagName(key)}`;
  switch (spec.type) {
    case 'string':
      return text;
    case 'enum':
      if (!spec.choices.includes(text)) {
        throw new UsageError(`${command}: ${flag} must be one of ${spec.choices.join(', ')}; got '${text}'`);
      }
      return text;
    case 'int': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isSafeInteger(n)) throw new UsageError(`${command}: ${flag} must be an integer; got '${text}'`);
      checkRange(command, flag, n, spec.min, spec.max, false);
      return n;
    }
    case 'float': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${command}: ${flag} must be a number; got '${text}'`);
      checkRange(command, flag, n, spec.min, spec.max, spec.exclusiveMin ?? false);
      return n;
    }
  }
}

function checkRange(command: string, flag: string, n: number, min: number | undefined, max: number | undefined, exclusiveMin: boolean): void {
  if (min !== undefined && (exclusiveMin ? n <= min : n < min)) {
    throw new UsageError(`${command}: ${flag} must be ${exclusiveMin ? '>' : '>='} ${min}; got ${n}`);
  }
  if (max !== undefined && n > max) throw new UsageError(`${command}: ${flag} must be <= ${max}; got ${n}`);
}

/** Renders `--help`: usage line, summary, then the options grouped, with defaults. */
export function formatHelp(usage: string, summary: string, specs: OptionSpecs, footer = ''): string {
  const groups = new Map<string, [string, string][]>();
  for (const [key, spec] of Object.entries(specs)) {
    if (spec.hidden) continue;
    const group = spec.group ?? 'Options';
    const rows = groups.get(group) ?? [];
    rows.push([`--${flagName(key)}${placeholder(spec)}`, describe(spec)]);
    groups.set(group, rows);
  }
  const rowsOf = [...groups.values()].flat();
  rowsOf.push(['-h, --help', 'show this help']);
  const width = Math.max(...rowsOf.map(([flag]) => flag.length)) + 2;
  const lines = [`Usage: ${usage}`, '', summary, ''];
  for (const [group, rows] of groups) {
    lines.push(`${group}:`);
    for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}${text}`);
    lines.push('');
  }
  lines.push(`  ${'-h, --help'.padEnd(width)}show this help`);
  if (footer !== '') lines.push('', footer);
  return `${lines.join('\n')}\n`;
}

function placeholder(spec: OptionSpec): string {
  switch (spec.type) {
    case 'boolean':
      return '';
    case 'int':
      return ' N';
    case 'float':
      return ' X';
    case 'enum':
      return ` ${spec.choices.join('|')}`;
    case 'string':
      return ` ${spec.metavar ?? 'VALUE'}`;
  }
}

function describe(spec: OptionSpec): string {
  const fallback = spec.type !== 'boolean' && spec.default !== undefined ? ` (default ${spec.default})` : '';
  return `${spec.description}${fallback}`;
}
