// C0 and C1 control characters (ESC starts ANSI sequences that recolour, move the
// cursor or retitle the terminal; CR overwrites a line) and the bidirectional
// overrides that reorder what is shown: text from a scenario must not drive the terminal.
const UNSAFE = new RegExp(
  "[\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029]",
  "g",
);

/** `s` safe to print on a terminal: control characters are shown as `\u001b`-style escapes. */
export function terminalText(s: string): string {
  return s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
