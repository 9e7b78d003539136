import { SingleBar } from "cli-progress";

/** Progress of a job counted in steps: a bar on a terminal, a plain line every few seconds otherwise, or nothing. */
export function stepProgress(
  label: string,
  total: number,
  quiet: boolean,
): { tick: (what?: string) => void; stop: () => void } {
  if (quiet || total <= 0) return { tick: () => {}, stop: () => {} };
  // Wall-clock time only paces the display; it never reaches the results.
  const started = Date.now();
  let done = 0;
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${label} {bar} {value}/{total} | {what} | ETA {eta_formatted}`,
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
    });
    bar.start(total, 0, { what: "" });
    return {
      tick: (what = "") => bar.update(++done, { what }),
      stop: () => bar.stop(),
    };
  }
  let last = started;
  const line = () => {
    const s = (Date.now() - started) / 1000;
    const eta = done > 0 ? `${Math.ceil(((total - done) * s) / done)} s` : "?";
    process.stderr.write(`teamsim: ${label} ${done}/${total}, ETA ${eta}\n`);
  };
  return {
    tick: () => {
      done++;
      if (Date.now() - last >= 5000) {
        last = Date.now();
        line();
      }
    },
    stop: () => {},
  };
}
