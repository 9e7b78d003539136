import { SingleBar } from "cli-progress";
import { InputError } from "../core/InputError.js";
import { formatEta } from "./formatEta.js";

/** How a job's progress is shown: tick after each step (or set the count), stop at the end. */
export interface StepProgress {
  tick: (what?: string) => void;
  update: (done: number, what?: string) => void;
  stop: () => void;
}

/** The default pause between plain progress lines (and before the first one), in milliseconds. */
export const PROGRESS_INTERVAL_MS = 5000;

/**
 * The pause between plain progress lines: TEAMSIM_PROGRESS_INTERVAL_MS if set
 * (0 prints a line at every step, for tests), else PROGRESS_INTERVAL_MS; a
 * value that is not a number of milliseconds >= 0 is an InputError naming it.
 */
export function progressInterval(env: Readonly<Record<string, string | undefined>>): number {
  const text = env.TEAMSIM_PROGRESS_INTERVAL_MS;
  if (text === undefined) return PROGRESS_INTERVAL_MS;
  const ms = Number(text);
  if (text.trim() === "" || !Number.isFinite(ms) || ms < 0) {
    throw new InputError(
      "TEAMSIM_PROGRESS_INTERVAL_MS",
      "",
      undefined,
      undefined,
      "a number of milliseconds >= 0",
      JSON.stringify(text),
    );
  }
  return ms;
}

/** A time left in words for a plain progress line: "42 s", "3 min 20 s", "2 h 05 min", or "?" when unknown. */
export function etaText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** "3.2" steps per second, "0.04" when slow, "?" before any is done. */
export function rateText(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return "?";
  return perSecond >= 1 ? perSecond.toFixed(1) : perSecond.toPrecision(2);
}

/**
 * Progress of a job counted in steps: a bar on a terminal; otherwise (a log,
 * a pipe, CI) a plain line `teamsim: LABEL done/total (pct%), rate/s, ETA t`
 * every few seconds, the first only after that long, so short jobs print
 * nothing, and a last one at the end if any was printed; nothing when `quiet`.
 * The bar leaves the cursor shown: these jobs run synchronously, so no signal
 * handler could show it again after Ctrl-C.
 */
export function stepProgress(label: string, total: number, quiet: boolean): StepProgress {
  if (quiet || total <= 0) return { tick: () => {}, update: () => {}, stop: () => {} };
  const interval = progressInterval(process.env);
  // Wall-clock time only paces the display; it never reaches the results.
  const started = Date.now();
  let done = 0;
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${label} {bar} {value}/{total} | {what} | ETA {eta_formatted}`,
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: false,
      formatTime: formatEta,
    });
    bar.start(total, 0, { what: "" });
    let stopped = false;
    return {
      tick: (what = "") => {
        if (!stopped) bar.update(++done, { what });
      },
      update: (n, what = "") => {
        done = n;
        if (!stopped) bar.update(n, { what });
      },
      stop: () => {
        if (!stopped) bar.stop();
        stopped = true;
      },
    };
  }
  let last = started;
  let printed: number | undefined;
  const line = () => {
    const s = (Date.now() - started) / 1000;
    const rate = s > 0 ? done / s : Number.NaN;
    const pct = Math.floor((100 * done) / total);
    const eta = done >= total ? 0 : rate > 0 ? (total - done) / rate : Number.NaN;
    process.stderr.write(
      `teamsim: ${label} ${done}/${total} (${pct}%), ${rateText(rate)}/s, ETA ${etaText(eta)}\n`,
    );
    printed = done;
  };
  let stopped = false;
  const maybeLine = () => {
    if (!stopped && Date.now() - last >= interval) {
      last = Date.now();
      line();
    }
  };
  return {
    tick: () => {
      done++;
      maybeLine();
    },
    update: (n) => {
      done = n;
      maybeLine();
    },
    stop: () => {
      // The last line says where it ended, for a log that showed the others.
      if (printed !== undefined && printed !== done && !stopped) line();
      stopped = true;
    },
  };
}
