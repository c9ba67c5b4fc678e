import { CliError, UsageError } from '../errors.js';

/** The JSON form of a tokenizer, stored with every checkpoint. */
export interface TokenizerInfo {
  /** One string per token id, each a single character. */
  chars: string[];
}

/**
 * A character-level tokenizer: token id i is the i-th character of a fixed alphabet. The
 * built-in tasks use a tiny alphabet ("0123456789+="); text datasets use the sorted set of
 * characters of the file.
 */
export class CharTokenizer {
  private readonly ids: Map<string, number>;

  /** Builds a tokenizer over `chars` (distinct single characters, in id order). */
  constructor(readonly chars: readonly string[]) {
    this.ids = new Map(chars.map((c, i) => [c, i]));
    if (this.ids.size !== chars.length) throw new Error('CharTokenizer: characters must be distinct');
    for (const c of chars) {
      if ([...c].length !== 1) throw new Error(`CharTokenizer: tokens must be single characters, got ${JSON.stringify(c)}`);
    }
  }

  /** The alphabet of a text: its distinct characters (code points), sorted. */
  static fromText(text: string): CharTokenizer {
    return new CharTokenizer([...new Set(text)].sort());
  }

  /** Restores a tokenizer saved by `toJSON`. */
  static fromJSON(info: TokenizerInfo): CharTokenizer {
    return new CharTokenizer(info.chars);
  }

  /** Number of token ids. */
  get vocabSize(): number {
    return this.chars.length;
  }

  /** Token ids of `text`; a character outside the alphabet is a CliError naming it. */
  encode(text: string): number[] {
    return [...text].map((c) => {
      const id = this.ids.get(c);
      if (id === undefined) {
        throw new CliError(`the model's alphabet has no ${JSON.stringify(c)}; it knows ${JSON.stringify(this.chars.join(''))}`);
      }
      return id;
    });
  }

  /**
   * Throws a UsageError when `text`, given on the command line as `flag`, has a character
   * outside the alphabet; the message lists the alphabet.
   */
  checkFlag(command: string, flag: string, text: string): void {
    for (const c of text) {
      if (!this.ids.has(c)) {
        throw new UsageError(`${command}: ${flag} has ${JSON.stringify(c)}, which the model's alphabet lacks; it knows ${JSON.stringify(this.chars.join(''))}`);
      }
    }
  }

  /** The text of token ids. */
  decode(ids: Iterable<number>): string {
    let out = '';
    for (const id of ids) out += this.chars[id] ?? '\uFFFD';
    return out;
  }

  /** JSON form for checkpoints. */
  toJSON(): TokenizerInfo {
    return { chars: [...this.chars] };
  }
}
