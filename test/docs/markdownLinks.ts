import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// Helpers shared by the docs tests: which pages there are, what they link to,
// and the anchors GitHub gives their headings.

/** The repository root. */
export const ROOT = join(import.meta.dirname, "../..");

/** README.md and every docs/*.md page, as paths relative to the root. */
export function docPages(): string[] {
  const docs = readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
  return ["README.md", ...docs];
}

/** A page's text with fenced code blocks blanked out (links in code are not links). */
export function prose(text: string): string {
  let fenced = false;
  return text
    .split("\n")
    .map((line) => {
      if (line.startsWith("```")) {
        fenced = !fenced;
        return "";
      }
      return fenced ? "" : line;
    })
    .join("\n");
}

/** One link of a page: its target as written and the line it is on. */
export interface Link {
  target: string;
  line: number;
}

/** Every markdown link and image of a page outside code (inline code spans dropped too). */
export function links(text: string): Link[] {
  const out: Link[] = [];
  prose(text)
    .split("\n")
    .forEach((raw, i) => {
      const line = raw.replace(/`[^`]*`/g, "");
      for (const m of line.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        out.push({ target: m[1], line: i + 1 });
      }
    });
  return out;
}

/** The anchors of a page: its headings' as GitHub makes them (lower case, punctuation dropped, spaces to dashes, repeats numbered), and explicit `<a id="...">` ones. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(text).split("\n")) {
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h === null) continue;
    const base = h[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    out.add(k === 0 ? base : `${base}-${k}`);
  }
  return out;
}

/** The text of a page. */
export function readPage(page: string): string {
  return readFileSync(join(ROOT, page), "utf8");
}
