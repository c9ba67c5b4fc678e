#!/usr/bin/env node
import { attentionCommand } from './commands/attention.js';
import { gradcheckCommand } from './commands/gradcheck.js';
import { sampleCommand } from './commands/sample.js';
import { trainCommand } from './commands/train.js';
import { CliError, UsageError, messageOf } from './errors.js';
import { processIo, type CliIo } from './io.js';
import { enableRelaxedSimd } from '@tsgrad/ops/node';

/** A subcommand: takes its arguments and the io, returns the exit code. */
type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, { run: Command; summary: string }>> = {
  train: { run: trainCommand, summary: 'train a tiny GPT on a built-in task or a text file' },
  sample: { run: sampleCommand, summary: 'generate from a checkpoint (task answers next to the right ones)' },
  gradcheck: { run: gradcheckCommand, summary: 'check attention gradients against finite differences' },
  attention: { run: attentionCommand, summary: 'render attention maps of a checkpoint (SVG + terminal)' },
};

const HELP = `Usage: tsgrad <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run 'tsgrad <command> --help' for a command's options.
`;

/**
 * Runs the command line `argv` (without `node cli.js`) against `io`; returns the exit code:
 * 0 success, 1 failure (clear one-line message on stderr), 2 usage error, 130 interrupted.
 * Stack traces are shown only with TSGRAD_DEBUG=1.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(HELP);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`tsgrad: unknown command '${name}'\n\n${HELP}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`tsgrad ${err.message}\nRun 'tsgrad ${name} --help' for usage.\n`);
      return 2;
    }
    const detail = err instanceof CliError ? err.message : messageOf(err);
    io.stderr.write(`tsgrad ${name}: error: ${detail}\n`);
    if (process.env.TSGRAD_DEBUG === '1' && err instanceof Error && err.stack !== undefined) io.stderr.write(`${err.stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  // The program owns its process, so it may switch V8 to the relaxed-SIMD (FMA) kernels
  // where the runtime can run them; results differ from plain SIMD only by rounding.
  enableRelaxedSimd();
  // `tsgrad ... | head` closes the pipe early; that is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`tsgrad: error: ${messageOf(err)}\n`);
      process.exitCode = 1;
    },
  );
}
