import type { Generator } from '@tsgrad/core';

/** How one digit task draws a problem and solves it. */
export interface DigitTaskRule {
  /** Characters of an input for operand length `n`. */
  inputLength(n: number): number;
  /** Characters of an answer for operand length `n`. */
  answerLength(n: number): number;
  /** A random problem. */
  randomInput(generator: Generator, n: number): string;
  /** The right answer. */
  solve(input: string, n: number): string;
  /** A pattern a user's input must match, and an example of it, for error messages. */
  pattern(n: number): RegExp;
  example(n: number): string;
}

function randomDigits(generator: Generator, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(generator.integer(0, 10));
  return s;
}

const sameLength = { inputLength: (n: number) => n, answerLength: (n: number) => n };
const digitsPattern = (n: number): RegExp => new RegExp(`^[0-9]{${n}}$`);
const exampleDigits = (n: number): string => '3141592653589793'.repeat(Math.ceil(n / 16)).slice(0, n);

/** The built-in digit tasks by name. `add` zero-pads operands to n digits and the sum to n + 1. */
export const DIGIT_TASKS: Readonly<Record<'copy' | 'reverse' | 'sort' | 'add', DigitTaskRule>> = {
  copy: { ...sameLength, randomInput: randomDigits, solve: (s) => s, pattern: digitsPattern, example: exampleDigits },
  reverse: {
    ...sameLength,
    randomInput: randomDigits,
    solve: (s) => [...s].reverse().join(''),
    pattern: digitsPattern,
    example: exampleDigits,
  },
  sort: { ...sameLength, randomInput: randomDigits, solve: (s) => [...s].sort().join(''), pattern: digitsPattern, example: exampleDigits },
  add: {
    inputLength: (n) => 2 * n + 1,
    answerLength: (n) => n + 1,
    randomInput: (g, n) => `${randomDigits(g, n)}+${randomDigits(g, n)}`,
    solve: (s, n) => {
      const [a, b] = s.split('+') as [string, string];
      return (BigInt(a) + BigInt(b)).toString().padStart(n + 1, '0');
    },
    pattern: (n) => new RegExp(`^[0-9]{${n}}\\+[0-9]{${n}}$`),
    example: (n) => `${exampleDigits(n)}+${'2718281828459045'.repeat(Math.ceil(n / 16)).slice(0, n)}`,
  },
};
