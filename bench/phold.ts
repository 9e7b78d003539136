import { Rng } from "../src/core/Rng.js";
import { Simulation } from "../src/core/Simulation.js";
import { TypedHeap } from "./TypedHeap.js";

/** PHOLD parameters (Fujimoto 1990): LPs, initial events per LP, events to process. */
export interface PholdConfig {
  lps: number;
  eventsPerLp: number;
  events: number;
  seed: number;
}

/** What one PHOLD run produced: events processed and a checksum that must match across implementations. */
export interface PholdResult {
  events: number;
  finalTime: number;
  checksum: number;
}

// Both implementations draw the same numbers in the same order, so they must end
// at the same simulated time with the same per-LP event counts.
function checksum(counts: Int32Array): number {
  let h = 0;
  for (let i = 0; i < counts.length; i++) h = (Math.imul(h, 31) + counts[i]) | 0;
  return h;
}

/** PHOLD through the kernel's public schedule API. */
export function pholdKernel(cfg: PholdConfig): PholdResult {
  const sim = new Simulation();
  const rng = new Rng(cfg.seed).stream("phold");
  const counts = new Int32Array(cfg.lps);
  const handlers: (() => void)[] = [];
  for (let i = 0; i < cfg.lps; i++) {
    handlers.push(() => {
      counts[i]++;
      const j = rng.int(cfg.lps);
      sim.schedule(0.1 + rng.exponential(1), handlers[j]);
    });
  }
  for (let i = 0; i < cfg.lps; i++) {
    for (let k = 0; k < cfg.eventsPerLp; k++) sim.schedule(0.1 + rng.exponential(1), handlers[i]);
  }
  const out = sim.run({ maxEvents: cfg.events });
  return { events: out.events, finalTime: out.now, checksum: checksum(counts) };
}

/** PHOLD on a bare typed-array heap: the baseline. */
export function pholdBaseline(cfg: PholdConfig): PholdResult {
  const heap = new TypedHeap(cfg.lps * cfg.eventsPerLp + 16);
  const rng = new Rng(cfg.seed).stream("phold");
  const counts = new Int32Array(cfg.lps);
  let seq = 0;
  for (let i = 0; i < cfg.lps; i++) {
    for (let k = 0; k < cfg.eventsPerLp; k++) heap.push(0.1 + rng.exponential(1), seq++, i);
  }
  let now = 0;
  let done = 0;
  while (done < cfg.events && heap.size > 0) {
    now = heap.peekTime();
    const i = heap.pop();
    done++;
    counts[i]++;
    const j = rng.int(cfg.lps);
    heap.push(now + (0.1 + rng.exponential(1)), seq++, j);
  }
  return { events: done, finalTime: now, checksum: checksum(counts) };
}
