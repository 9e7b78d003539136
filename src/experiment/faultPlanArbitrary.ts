import fc from "fast-check";
import { BYZANTINE_BEHAVIOURS, type ByzantineBehaviour } from "../faults/ByzantineBehaviour.js";
import type { FaultInput } from "../faults/FaultSchema.js";
import { memberName } from "../runtime/memberName.js";

/**
 * One generated fault, before it meets a team: agents are indices taken modulo
 * the team size, times are whole seconds, so that fast-check can shrink every
 * part (fewer agents, earlier starts, shorter windows, earlier heals).
 */
export type GenFault =
  | { kind: "crash"; who: number[]; at: number; back: number | null }
  | { kind: "partition"; side: number[]; at: number; dur: number }
  | { kind: "loss" | "duplicate"; at: number; dur: number; p: number }
  | { kind: "delay"; at: number; dur: number; median: number }
  | {
      kind: "byzantine";
      who: number[];
      behaviour: ByzantineBehaviour;
      at: number;
      dur: number | null;
    };

/** A generated case: the team size, the replicate's seed and the fault plan. */
export interface PlanCase {
  agents: number;
  seed: number;
  faults: GenFault[];
}

/** What the generator may use: the team size, the time scale, Byzantine faults or not. */
export interface PlanBounds {
  maxAgents: number;
  /** Seconds within which faults start and last (a fault-free run's makespan). */
  timeScale: number;
  /** Whether Byzantine faults may be generated at all (the protocol tolerates some). */
  byzantine: boolean;
  maxFaults: number;
}

/** The random fault plans of `teamsim check` (Jepsen's nemesis), as a fast-check arbitrary. */
export function faultPlanArbitrary(b: PlanBounds): fc.Arbitrary<PlanCase> {
  const T = Math.max(2, Math.ceil(b.timeScale));
  const at = fc.integer({ min: 0, max: T });
  const dur = fc.integer({ min: 1, max: T });
  const who = fc.uniqueArray(fc.nat({ max: b.maxAgents - 1 }), {
    minLength: 1,
    maxLength: b.maxAgents,
  });
  // Probabilities in steps of 0.05 up to 0.5: enough loss to hurt, not to silence everything.
  const p = fc.integer({ min: 1, max: 10 }).map((k) => k / 20);
  const kinds: fc.Arbitrary<GenFault>[] = [
    fc.record({
      kind: fc.constant("crash" as const),
      who,
      at,
      back: fc.option(dur, { nil: null, freq: 3 }),
    }),
    fc.record({ kind: fc.constant("partition" as const), side: who, at, dur }),
    fc.record({ kind: fc.constantFrom("loss" as const, "duplicate" as const), at, dur, p }),
    fc.record({
      kind: fc.constant("delay" as const),
      at,
      dur,
      median: fc.integer({ min: 1, max: 30 }),
    }),
  ];
  if (b.byzantine) {
    kinds.push(
      fc.record({
        kind: fc.constant("byzantine" as const),
        who,
        behaviour: fc.constantFrom(...BYZANTINE_BEHAVIOURS),
        at,
        dur: fc.option(dur, { nil: null, freq: 2 }),
      }),
    );
  }
  return fc.record({
    // The whole team; checkScenario tries fewer agents after shrinking the plan.
    agents: fc.constant(b.maxAgents),
    seed: fc.noShrink(fc.integer({ min: 0, max: 2 ** 31 - 1 })),
    faults: fc.array(fc.oneof(...kinds), { minLength: 1, maxLength: b.maxFaults }),
  });
}

/** The kind of a generated fault as reported ("byzantine equivocating", "crash", ...). */
export function kindOf(f: GenFault): string {
  return f.kind === "byzantine" ? `byzantine ${f.behaviour}` : f.kind;
}

/**
 * The fault plan of a case for a team of `agents` members (plus `extraNodes`,
 * which stay with the larger side of a partition), with at most `maxByzantine`
 * distinct Byzantine agents (later ones are dropped).
 */
export function toFaults(
  c: PlanCase,
  extraNodes: readonly string[],
  maxByzantine: number,
): FaultInput[] {
  const n = c.agents;
  const names = (idx: readonly number[]) =>
    [...new Set(idx.map((i) => i % n))].sort((a, b) => a - b).map(memberName);
  const out: FaultInput[] = [];
  const byzantine = new Set<string>();
  for (const f of c.faults) {
    switch (f.kind) {
      case "crash": {
        const who = names(f.who);
        out.push({ at_s: f.at, crash: who });
        // A copy: one list object in two places would be written as a YAML alias.
        if (f.back !== null) out.push({ at_s: f.at + f.back, recover: [...who] });
        break;
      }
      case "partition": {
        const side = names(f.side);
        if (side.length === n) break;
        const rest = Array.from({ length: n }, (_, i) => memberName(i)).filter(
          (a) => !side.includes(a),
        );
        const [small, large] = side.length <= rest.length ? [side, rest] : [rest, side];
        out.push({
          at_s: f.at,
          partition: [small, [...large, ...extraNodes]],
          heal_at_s: f.at + f.dur,
        });
        break;
      }
      case "loss":
        out.push({ at_s: f.at, until_s: f.at + f.dur, loss: f.p });
        break;
      case "duplicate":
        out.push({ at_s: f.at, until_s: f.at + f.dur, duplicate: f.p });
        break;
      case "delay":
        out.push({
          at_s: f.at,
          until_s: f.at + f.dur,
          delay: { dist: "lognormal", median_s: f.median, sigma: 0.5 },
        });
        break;
      case "byzantine": {
        const who = names(f.who).filter((a) => {
          if (byzantine.has(a)) return true;
          if (byzantine.size >= maxByzantine) return false;
          byzantine.add(a);
          return true;
        });
        if (who.length === 0) break;
        out.push({
          at_s: f.at,
          ...(f.dur === null ? {} : { until_s: f.at + f.dur }),
          byzantine: who,
          behaviour: f.behaviour,
        });
        break;
      }
    }
  }
  return out;
}
