import cliProgress, { type Options } from "cli-progress";

// (Format is not one of the names Node's CommonJS import detects: reach it through the default export.)
const { TimeFormat } = cliProgress.Format;

/**
 * cli-progress's time format, with "?" for a time it cannot know. Before any
 * rate is measured its ETA is the string "INF" or "NULL", which the default
 * format pads and cuts into "NFs" or "LLs"; give it to a bar as `formatTime`.
 */
export function formatEta(t: number | string, options: Options, roundTo: number): string {
  const seconds = typeof t === "number" ? t : Number(t);
  return Number.isFinite(seconds) && seconds >= 0 ? TimeFormat(seconds, options, roundTo) : "?";
}
