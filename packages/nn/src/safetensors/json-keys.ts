import { FORBIDDEN_KEYS } from './dtypes.js';

/** One open object or array while scanning; `keys` is null for arrays. */
interface Frame {
  keys: Set<string> | null;
  path: string[];
  lastKey: string;
}

/**
 * Scans JSON text that `JSON.parse` has already accepted and returns a description of the
 * first object key that is repeated within its object or is one of `__proto__`,
 * `constructor`, `prototype`; `undefined` when there is none. `JSON.parse` silently keeps the
 * last of two duplicate keys, so two writers could disagree about which tensor a file holds;
 * this scan is how such files are refused. It only tracks strings and brackets, which is
 * enough because the text is known to be valid JSON.
 */
export function findBadJsonKey(text: string): string | undefined {
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      while (text.charCodeAt(j) !== 0x22) {
        if (text.charCodeAt(j) === 0x5c /* \ */) {
          escaped = true;
          j++;
        }
        j++;
      }
      const top = stack[stack.length - 1];
      if (expectKey && top !== undefined && top.keys !== null) {
        // Escapes must be decoded: "\u005f_proto__" is the key "__proto__".
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        const where = top.path.length === 0 ? 'the header' : top.path.map((k) => JSON.stringify(k)).join('.');
        if (FORBIDDEN_KEYS.has(key)) return `forbidden key ${JSON.stringify(key)} in ${where}`;
        if (top.keys.has(key)) return `duplicate key ${JSON.stringify(key)} in ${where}`;
        top.keys.add(key);
        top.lastKey = key;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = stack[stack.length - 1];
      const path = parent === undefined ? [] : [...parent.path, parent.keys === null ? '[]' : parent.lastKey];
      stack.push({ keys: c === 0x7b ? new Set() : null, path, lastKey: '' });
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1]?.keys != null;
    }
  }
  return undefined;
}
