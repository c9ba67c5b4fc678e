/// <reference types="node" />
import { basename, isAbsolute, relative } from 'node:path';

/** Where a command writes: a process stream, or a buffer in tests. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True on a terminal: progress becomes a live line and heatmaps get colours. */
  isTTY?: boolean;
  /** Terminal width, when known. */
  columns?: number;
}

/** The outside world of a command, injectable so tests run commands in-process. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /**
   * Subscribes to Ctrl-C; returns the unsubscribe function. Training uses it to save a
   * checkpoint before exiting. Tests pass a fake that fires on demand.
   */
  onInterrupt(handler: () => void): () => void;
  /** Working directory that relative paths are resolved against. */
  cwd: string;
  /** How the user runs this program, for "try: ..." hints (`tsgrad`, `node examples/dist/cli.js`). */
  program: string;
}

/** `p` relative to the working directory when it lies inside it, else absolute. */
export function displayPath(io: CliIo, p: string): string {
  const rel = relative(io.cwd, p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

/** The real process: its streams, its SIGINT, its cwd. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    cwd: process.cwd(),
    program: programName(process.argv[1] ?? 'tsgrad', process.cwd()),
  };
}

/** `tsgrad` when run through the bin link, else `node <script path>`. */
function programName(script: string, cwd: string): string {
  if (basename(script) === 'tsgrad') return 'tsgrad';
  const rel = relative(cwd, script);
  return `node ${rel.startsWith('..') || isAbsolute(rel) ? script : rel}`;
}
