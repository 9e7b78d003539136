/**
 * Where YAML text first nests deeper than `max`, or undefined: a linear scan
 * run before the yaml parser, whose lexer takes seconds (and at 100,000 "["
 * a fatal out-of-memory error in V8's regular-expression compiler) on deeply
 * nested text before it reports its own limit. Conservative: every "[" or "{"
 * counts as a level until its "]" or "}" (also inside quotes and comments,
 * where a thousand unclosed brackets are no scenario), and so does each
 * "- " or "? " that opens a line's block collection ("- - - x").
 */
export function tooDeepOffset(text: string, max: number): number | undefined {
  let flow = 0;
  let lineStart = true;
  let block = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      // [ {
      if (++flow > max) return i;
      lineStart = false;
    } else if (c === 0x5d || c === 0x7d) {
      // ] }
      if (flow > 0) flow--;
      lineStart = false;
    } else if (c === 0x0a) {
      lineStart = true;
      block = 0;
    } else if (lineStart && (c === 0x2d || c === 0x3f)) {
      // "- " or "? " (or at the end of the line) among a line's leading indicators
      const next = text.charCodeAt(i + 1);
      if (next === 0x20 || next === 0x09 || next === 0x0a || Number.isNaN(next)) {
        if (++block > max) return i;
      } else lineStart = false;
    } else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) lineStart = false;
  }
  return undefined;
}
