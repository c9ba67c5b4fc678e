/** A parsed XML element. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /&(lt|gt|amp|apos|quot|#\d+|#x[0-9a-fA-F]+);/g;

function checkText(text: string, where: number): string {
  const stripped = text.replace(ENTITY, '');
  if (/[<&]/.test(stripped)) throw new Error(`xml: stray '<' or '&' in text near offset ${where}`);
  return text.replace(ENTITY, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' })[e] ?? '?');
}

/**
 * A minimal, strict XML parser for tests: one root element, balanced tags, quoted
 * attributes without duplicates, only the five predefined entities and numeric references.
 * Throws on anything malformed.
 */
export function parseXml(source: string): XmlElement {
  let i = 0;
  const skipProlog = /^<\?xml[^?]*\?>\s*/.exec(source);
  if (skipProlog) i = skipProlog[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < source.length) {
    if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i);
      if (end < 0) throw new Error('xml: unterminated comment');
      i = end + 3;
    } else if (source.startsWith('</', i)) {
      const m = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(source.slice(i));
      if (!m) throw new Error(`xml: bad closing tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[1]) throw new Error(`xml: </${m[1]}> does not close <${open?.name}> at ${i}`);
      if (stack.length === 0) root = open;
      i += m[0].length;
    } else if (source[i] === '<') {
      const m = /^<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(source.slice(i));
      if (!m) throw new Error(`xml: bad tag at ${i}: ${source.slice(i, i + 40)}`);
      const attrs: Record<string, string> = {};
      for (const a of m[2]!.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        if (a[1]! in attrs) throw new Error(`xml: duplicate attribute ${a[1]}`);
        attrs[a[1]!] = checkText(a[2] ?? a[3] ?? '', i);
      }
      const el: XmlElement = { name: m[1]!, attrs, children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
      else if (root !== null) throw new Error('xml: more than one root element');
      if (m[3] === '/') {
        if (stack.length === 0) root = el;
      } else {
        stack.push(el);
      }
      i += m[0].length;
    } else {
      const end = source.indexOf('<', i);
      const text = source.slice(i, end < 0 ? source.length : end);
      if (stack.length === 0) {
        if (text.trim() !== '') throw new Error('xml: text outside the root element');
      } else {
        stack[stack.length - 1]!.text += checkText(text, i);
      }
      i = end < 0 ? source.length : end;
    }
  }
  if (stack.length > 0) throw new Error(`xml: <${stack[stack.length - 1]!.name}> is never closed`);
  if (root === null) throw new Error('xml: no root element');
  return root;
}

/** Every element below `el` (depth first) that matches `pred`. */
export function findAll(el: XmlElement, pred: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (e: XmlElement) => {
    if (pred(e)) out.push(e);
    e.children.forEach(visit);
  };
  visit(el);
  return out;
}
