import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LibTiming } from './harness.js';

/** The library every peer's ratio is taken against: tsgrad on one thread. */
export const BASELINE = 'tsgrad';
/** tsgrad on its two-thread worker pool: its ratio column is its speed-up over BASELINE. */
export const THREADED = 'tsgrad 2T';

/** One row of a timing table: a workload and each library's timing on it. */
export interface TimedRow {
  readonly label: string;
  /** Floating-point operations of one run, when the table reports GFLOPS. */
  readonly flops?: number;
  readonly timings: readonly LibTiming[];
}

/** A benchmark whose rows are timings of every library. */
export interface TimingSection {
  readonly kind: 'timing';
  readonly name: string;
  readonly title: string;
  /** What the library columns show: GFLOPS (higher is better) or median ms (lower is better). */
  readonly unit: 'GFLOPS' | 'ms';
  readonly rows: readonly TimedRow[];
  readonly notes: readonly string[];
  /** More `numerator ÷ denominator` ratio columns (library names), after the standard ones. */
  readonly extraRatios?: readonly (readonly [string, string])[];
}

/** A benchmark with its own columns (memory). */
export interface TableSection {
  readonly kind: 'table';
  readonly name: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly notes: readonly string[];
  /** Raw numbers for the JSON file. */
  readonly data: unknown;
}

/** A finished benchmark. */
export type Section = TimingSection | TableSection;

/** Three significant digits, whole numbers from 100 up, never an exponent. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) < 1e-6) return '0';
  return x.toPrecision(3);
}

/** A byte count in MiB or KiB. */
export function fmtBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 1024 * 1024) return `${fmt(bytes / (1024 * 1024))} MiB`;
  if (abs >= 1024) return `${fmt(bytes / 1024)} KiB`;
  return `${Math.round(bytes)} B`;
}

function markdownTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(columns), line(columns.map(() => '---')), ...rows.map(line)].join('\n');
}

function cell(t: LibTiming | undefined, row: TimedRow, unit: TimingSection['unit']): string {
  if (!t) return '';
  if (!t.ok) return 'failed';
  if (unit === 'GFLOPS' && row.flops !== undefined) return fmt(row.flops / (t.medianMs * 1e6));
  return fmt(t.medianMs);
}

function ratio(peer: LibTiming | undefined, base: LibTiming | undefined): string {
  if (!peer?.ok || !base?.ok) return '—';
  return `${fmt(peer.medianMs / base.medianMs)}×`;
}

/**
 * The ratio columns, each `[numerator, denominator]`: every peer over single-threaded tsgrad,
 * then tsgrad over tsgrad 2T (its speed-up from the second thread), then the section's extras.
 */
function ratioPairs(s: TimingSection, libs: readonly string[]): (readonly [string, string])[] {
  const pairs: (readonly [string, string])[] = [];
  if (libs.includes(BASELINE)) {
    for (const l of libs) if (l !== BASELINE && l !== THREADED) pairs.push([l, BASELINE]);
    if (libs.includes(THREADED)) pairs.push([BASELINE, THREADED]);
  }
  for (const [n, d] of s.extraRatios ?? []) if (libs.includes(n) && libs.includes(d)) pairs.push([n, d]);
  return pairs;
}

/** Renders a section as a markdown heading, table and the error of every failed cell. */
export function renderSection(s: Section, libs: readonly string[]): string {
  const head = `### ${s.title}`;
  if (s.kind === 'table') {
    return [head, '', markdownTable(s.columns, s.rows), ...(s.notes.length > 0 ? ['', ...s.notes] : [])].join('\n');
  }
  const unit = s.unit === 'GFLOPS' ? 'GFLOPS' : 'median ms';
  const pairs = ratioPairs(s, libs);
  const columns = ['case', ...libs.map((l) => `${l} (${unit})`), ...pairs.map(([n, d]) => `${n} ÷ ${d}`)];
  const rows = s.rows.map((row) => {
    const by = (lib: string): LibTiming | undefined => row.timings.find((t) => t.lib === lib);
    return [row.label, ...libs.map((l) => cell(by(l), row, s.unit)), ...pairs.map(([n, d]) => ratio(by(n), by(d)))];
  });
  // One line per distinct failure, naming the rows it hit unless it hit them all.
  const failed = new Map<string, string[]>();
  for (const row of s.rows) {
    for (const t of row.timings) {
      if (t.ok) continue;
      const key = `${t.lib}: ${t.error}`;
      failed.set(key, [...(failed.get(key) ?? []), row.label]);
    }
  }
  const failures = [...failed].map(([key, labels]) =>
    labels.length === s.rows.length && s.rows.length > 1 ? `- ${key} (all rows)` : `- ${key} (${labels.join('; ')})`,
  );
  const parts = [head, '', markdownTable(columns, rows)];
  if (s.notes.length > 0) parts.push('', ...s.notes);
  if (failures.length > 0) parts.push('', 'Failures:', ...failures);
  return parts.join('\n');
}

/**
 * Writes the run as `<dir>/<timestamp>.json` and `<dir>/latest.json`, each through a .tmp
 * file and a rename so an interrupted run never leaves half a file behind.
 */
export function writeResults(dir: string, startedAt: Date, payload: unknown): string {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(payload, null, 2)}\n`;
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${stamp}.json`);
  for (const target of [file, join(dir, 'latest.json')]) {
    writeFileSync(`${target}.tmp`, text);
    renameSync(`${target}.tmp`, target);
  }
  return file;
}
