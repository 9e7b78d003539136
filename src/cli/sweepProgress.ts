import { SingleBar } from "cli-progress";
import type { SweepProgress } from "../experiment/runSweep.js";
import { formatEta } from "./formatEta.js";
import { etaText, progressInterval, rateText } from "./stepProgress.js";

/**
 * Reports sweep progress: a bar on a terminal (it hides the cursor; the
 * sweep's interrupt handler and `stop` show it again); otherwise a plain line
 * every few seconds (the first only after that long, so short sweeps print
 * nothing; TEAMSIM_PROGRESS_INTERVAL_MS sets the pause) and a last one at the
 * end if any was printed; nothing when `quiet`.
 */
export function sweepProgress(quiet: boolean): {
  update: (p: SweepProgress) => void;
  stop: () => void;
} {
  if (quiet) return { update: () => {}, stop: () => {} };
  const interval = progressInterval(process.env);
  // Wall-clock time only paces the display; it never reaches the results.
  const started = Date.now();
  let base: number | undefined;
  // Runs per second done by this process (runs resumed from DIR are not its work).
  const rate = (p: SweepProgress) => {
    base ??= p.done;
    const s = (Date.now() - started) / 1000;
    return s > 0 ? (p.done - base) / s : Number.NaN;
  };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format:
        "sweep {bar} {value}/{total} runs | points {pointsDone}/{points} | {rate} runs/s | ETA {eta_formatted}",
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
      formatTime: formatEta,
    });
    let running = false;
    return {
      update: (p) => {
        const payload = { pointsDone: p.pointsDone, points: p.points, rate: rateText(rate(p)) };
        if (!running) {
          bar.start(p.total, p.done, payload);
          running = true;
        } else bar.update(p.done, payload);
      },
      stop: () => {
        if (running) bar.stop();
        running = false;
      },
    };
  }
  let last = started;
  let latest: SweepProgress | undefined;
  let printed: number | undefined;
  const line = (p: SweepProgress) => {
    const r = rate(p);
    const eta = p.done >= p.total ? 0 : r > 0 ? (p.total - p.done) / r : Number.NaN;
    const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
    process.stderr.write(
      `teamsim: sweep ${p.done}/${p.total} runs (${pct}%), ${p.pointsDone}/${p.points} points, ${rateText(r)} runs/s, ETA ${etaText(eta)}\n`,
    );
    printed = p.done;
  };
  return {
    update: (p) => {
      latest = p;
      rate(p);
      if (Date.now() - last >= interval) {
        last = Date.now();
        line(p);
      }
    },
    stop: () => {
      // The last line says where it ended, for a log that showed the others.
      if (latest !== undefined && printed !== undefined && printed !== latest.done) line(latest);
      latest = undefined;
    },
  };
}
