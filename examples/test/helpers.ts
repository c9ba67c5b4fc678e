import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli';
import type { CliIo } from '../src/io';

/** What a command printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of the in-process test io. */
export interface TestIoOptions {
  cwd?: string;
  /** Fire the interrupt handler once this many writes mention a finished step. */
  interruptAtStep?: number;
  tty?: boolean;
}

/** Runs the CLI in-process with captured output; relative paths resolve against `cwd`. */
export async function cli(argv: string[], opts: TestIoOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const handlers = new Set<() => void>();
  const io: CliIo = {
    stdout: {
      write(chunk: string) {
        stdout += chunk;
        const m = opts.interruptAtStep !== undefined ? /step +(\d+)\//.exec(chunk) : null;
        if (m !== null && Number(m[1]) >= opts.interruptAtStep!) for (const h of handlers) h();
        return true;
      },
      isTTY: opts.tty ?? false,
    },
    stderr: {
      write(chunk: string) {
        stderr += chunk;
        return true;
      },
    },
    onInterrupt(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    cwd: opts.cwd ?? process.cwd(),
    program: 'tsgrad',
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tsgrad-examples-'));
}
