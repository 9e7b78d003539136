import { SingleBar } from "cli-progress";
import type { SweepProgress } from "../experiment/runSweep.js";

/** Reports sweep progress: a bar on a terminal, a plain line every few seconds otherwise, or nothing. */
export function sweepProgress(quiet: boolean): {
  update: (p: SweepProgress) => void;
  stop: () => void;
} {
  if (quiet) return { update: () => {}, stop: () => {} };
  // Wall-clock time only paces the display; it never reaches the results.
  const started = Date.now();
  let base: number | undefined;
  const rate = (p: SweepProgress) => {
    base ??= p.done;
    const s = (Date.now() - started) / 1000;
    return s > 0 ? (p.done - base) / s : 0;
  };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format:
        "sweep {bar} {value}/{total} runs | points {pointsDone}/{points} | {rate} runs/s | ETA {eta_formatted}",
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
    });
    let started2 = false;
    return {
      update: (p) => {
        const payload = { pointsDone: p.pointsDone, points: p.points, rate: rate(p).toFixed(1) };
        if (!started2) {
          bar.start(p.total, p.done, payload);
          started2 = true;
        } else bar.update(p.done, payload);
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  let latest: SweepProgress | undefined;
  const line = (p: SweepProgress) => {
    const r = rate(p);
    const eta = r > 0 ? `${Math.ceil((p.total - p.done) / r)} s` : "?";
    process.stderr.write(
      `teamsim: sweep ${p.done}/${p.total} runs, ${p.pointsDone}/${p.points} points, ${r.toFixed(1)} runs/s, ETA ${eta}\n`,
    );
  };
  return {
    update: (p) => {
      latest = p;
      if (Date.now() - last >= 5000) {
        last = Date.now();
        line(p);
      }
    },
    stop: () => {
      if (latest !== undefined) line(latest);
    },
  };
}
