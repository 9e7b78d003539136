import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decidedByAll } from "../../src/checkers/checkLiveness.js";
import { runCheckers } from "../../src/checkers/runCheckers.js";
import type { Trace, TraceEvent } from "../../src/core/Trace.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { getProtocol } from "../../src/protocols/registry.js";
import { World } from "../../src/runtime/World.js";
import { type LoadedScenario, loadScenario } from "../../src/scenario/loadScenario.js";
import { scenarioOf, tracedReplicate } from "../helpers.js";

// Schedules that random fault plans practically never produce: the test drives the
// faults itself, reacting to the run's own trace events (a leader elected, a match
// index learnt), so that each step happens at the one moment that matters. The
// servers are the real Raft over the real runtime; only the nemesis is scripted.

const ROOT = join(import.meta.dirname, "../..");
const name = (i: number) => `agent-${i}`;

/** What a scripted nemesis can do to the running world (each applied at once, in order). */
interface Nemesis {
  world: World;
  crash(...nodes: string[]): void;
  recover(...nodes: string[]): void;
  heal(): void;
  /** Runs `fn` `dt` seconds from now. */
  later(dt: number, fn: () => void): void;
}

// Recoveries wait this long after the crashes they follow: every message still in
// flight (one hop: 50 ms) has landed on a node that is down and is dropped.
const SETTLE_S = 0.2;

/**
 * Runs replicate 0 of `loaded` while `react` sees every trace event as it happens;
 * its actions run right after the event's handler (schedule(0)), before any
 * message in flight arrives (latencies are positive).
 */
function scripted(
  loaded: LoadedScenario,
  react: (e: TraceEvent, nemesis: Nemesis) => void,
  before: (nemesis: Nemesis) => void = () => {},
) {
  const profile = loaded.profiles.get(loaded.scenario.agents.model);
  if (profile === undefined) throw new Error("no profile");
  const events: TraceEvent[] = [];
  let nemesis: Nemesis | null = null;
  const trace: Trace = {
    enabled: true,
    record(e) {
      events.push(e);
      if (nemesis !== null) react(e, nemesis);
    },
  };
  const world = new World(loaded.scenario, profile, 0, getProtocol("raft"), { trace });
  const node = (n: string) => {
    const found = world.nodes.get(n);
    if (found === undefined) throw new Error(`no node ${n}`);
    return found;
  };
  const now = (fn: () => void) => world.sim.schedule(0, fn);
  nemesis = {
    world,
    crash: (...nodes) => now(() => nodes.forEach((n) => node(n).crash())),
    recover: (...nodes) => now(() => nodes.forEach((n) => node(n).recover())),
    heal: () => now(() => world.net.heal()),
    later: (dt, fn) => world.sim.schedule(dt, fn),
  };
  before(nemesis);
  const outcome = world.run();
  const verdicts = runCheckers(world.history);
  const decidedAll = decidedByAll(world.history, world.deciders(), world.task.size);
  return { events, verdicts, decidedAll, outcome };
}

function raft(n: number, team: Record<string, unknown> = {}, items = 5): LoadedScenario {
  return scenarioOf({
    seed: 11,
    replicates: 1,
    horizon_s: 600,
    agents: { model: "gpt-4o", count: n },
    team: { protocol: "raft", first_leader: 0, ...team },
    task: { kind: "questions", items, difficulty: { kind: "fixed", p: 0.7 } },
    // A fixed latency keeps every exchange's timing obvious (one hop: 50 ms).
    network: { latency: { dist: "fixed", value_s: 0.05 } },
  });
}

const failed = (verdicts: readonly { check: string; ok: boolean }[]) =>
  verdicts.filter((v) => !v.ok).map((v) => v.check);

describe("Raft, Figure 8 (Ongaro & Ousterhout 2014, §5.4.2): no commit of an old term's entry by counting replicas", () => {
  // Five servers: A = agent-0, B = agent-1; C, D, E = agent-2..4 (C whoever wins).
  // (a) A leads term 1 and stores its answer to item 0 at index 2 on A and B only.
  // (b) A and B crash; C is elected by C, D, E and appends its no-op at index 2
  //     (a different entry, of its own term) on C only, then C, D, E crash.
  // (c) A, B, D recover; A or B (X) is elected in a later term. The other one (Y)
  //     acknowledges X's no-op (index 3), and X repairs D one entry at a time
  //     (max_batch 1): D stores index 2. Index 2 now sits on a majority (X, Y, D) as
  //     X's match indexes show, but it is of term 1; X's own no-op is on two servers.
  //     X, Y and D crash just as X learns that, before X's no-op reaches D.
  // (d) C, D, E recover: only C can win (its last log term is the highest), and it
  //     overwrites index 2 on D and E with its own entry and commits it.
  // Had X committed index 2 in (c) by counting replicas, two different entries are
  // committed at index 2: log matching fails. The correct rule (commit only entries
  // of the current term by counting, §5.4.2) committed nothing in (c).
  function figure8() {
    let phase = 0;
    let c = "";
    let d = "";
    let e = "";
    let x = "";
    let y = "";
    const run = scripted(raft(5, { max_batch: 1 }), (ev, nem) => {
      if (phase === 0 && ev.type === "raft_append" && ev.node === "agent-0" && ev.item === 0) {
        // (a) C, D, E go down before A's entry for item 0 reaches them.
        phase = 1;
        nem.crash(name(2), name(3), name(4));
      } else if (
        phase === 1 &&
        ev.type === "raft_match" &&
        ev.node === "agent-0" &&
        ev.peer === "agent-1" &&
        ev.match === 2
      ) {
        // (b) B stores index 2; A and B go down, the other three come back.
        phase = 2;
        nem.crash(name(0), name(1));
        nem.later(SETTLE_S, () => nem.recover(name(2), name(3), name(4)));
      } else if (phase === 2 && ev.type === "raft_leader") {
        phase = 3;
        c = ev.node as string;
        [d, e] = [name(2), name(3), name(4)].filter((s) => s !== c);
        // Its no-op is in its log (appended as it was elected); nobody else gets it.
        nem.crash(c, d, e);
        nem.later(SETTLE_S, () => nem.recover(name(0), name(1), d));
      } else if (phase === 3 && ev.type === "raft_leader") {
        // (c) X leads.
        phase = 4;
        x = ev.node as string;
        y = x === name(0) ? name(1) : name(0);
      } else if (
        phase === 4 &&
        ev.type === "raft_match" &&
        ev.node === x &&
        ev.peer === d &&
        ev.match === 2
      ) {
        // X has counted index 2 on a majority; its no-op to D is in flight.
        phase = 5;
        nem.crash(x, y, d);
        nem.later(SETTLE_S, () => nem.recover(c, d, e));
      } else if (phase === 5 && ev.type === "raft_leader") {
        // (d) The new leader overwrites index 2; later everyone comes back to catch up.
        phase = 6;
        expect(ev.node).toBe(c);
        nem.later(10, () => nem.recover(name(0), name(1)));
      }
    });
    return { ...run, phase, c, d, x, y };
  }

  it("the schedule happens as described, and the correct commit rule keeps every check", () => {
    const { events, verdicts, decidedAll, phase, c, d, x, y } = figure8();
    expect(phase).toBe(6);
    // The checkers first: with the replica-counting rule, log matching fails here.
    expect(failed(verdicts)).toEqual([]);
    expect(decidedAll).toBe(1);
    const at = (type: string, node: string) =>
      events.filter((e) => e.type === type && e.node === node);
    const xLeads = at("raft_leader", x).at(-1) as TraceEvent;
    const xCrash = events.find((e) => e.type === "crash" && e.agent === x && e.t > xLeads.t);
    expect(xLeads.term).toBeGreaterThan(2);
    // Before its crash X knew that Y stores its no-op and D stores index 2.
    const matches = at("raft_match", x).filter((e) => e.t > xLeads.t);
    expect(matches.map((e) => [e.peer, e.match])).toEqual([
      [y, 3],
      [d, 2],
    ]);
    // In (c) X commits nothing: index 2 is of term 1, not X's term, and X's no-op is on two of five.
    expect(
      at("raft_apply", x).filter((e) => e.t > xLeads.t && e.t <= (xCrash?.t ?? 0)),
    ).toHaveLength(0);
    // D stored X's term-1 entry at index 2, then C's leadership truncated it.
    expect(at("raft_truncate", d).some((e) => e.from === 2)).toBe(true);
    // Index 2 ends up committed with C's own entry everywhere.
    const index2 = events.filter((e) => e.type === "raft_apply" && e.index === 2);
    expect(new Set(index2.map((e) => e.value))).toEqual(new Set(["noop"]));
    expect(index2.some((e) => e.node === c)).toBe(true);
  });
});

describe("Raft, votedFor survives a crash: one vote per term, so one leader per term", () => {
  // Three servers. agent-2 is cut off from the start; agent-0 wins term 1 with
  // agent-1's vote. Both then crash and the partition heals. When agent-2 times
  // out (still in term 0) and asks for votes in term 1, agent-1 comes back: it
  // voted in term 1 already and must refuse. A voter that forgot its vote would
  // elect agent-2 in term 1 too: two leaders in one term (election safety).
  function votedFor() {
    let phase = 0;
    const run = scripted(
      raft(3),
      (ev, nem) => {
        if (phase === 0 && ev.type === "raft_leader") {
          phase = 1;
          expect(ev).toMatchObject({ node: name(0), term: 1 });
          nem.crash(name(0), name(1));
          nem.heal();
        } else if (phase === 1 && ev.type === "raft_candidate" && ev.node === name(2)) {
          // Its RequestVote is on its way to agent-1, which is back before it lands.
          phase = 2;
          expect(ev.term).toBe(1);
          nem.recover(name(1));
          nem.later(20, () => nem.recover(name(0)));
        }
      },
      (nem) => nem.world.net.partition([[name(0), name(1)], [name(2)]]),
    );
    return { ...run, phase };
  }

  it("the recovered voter refuses a second candidate in the same term; every check holds", () => {
    const { events, verdicts, decidedAll, phase } = votedFor();
    expect(phase).toBe(2);
    // The checkers first: a voter that forgot its vote fails election safety here.
    expect(failed(verdicts)).toEqual([]);
    expect(decidedAll).toBe(1);
    // agent-1 was back when agent-2's term-1 RequestVote reached it...
    const back = events.find((e) => e.type === "recover" && e.agent === name(1));
    const asked = events.filter(
      (e) =>
        e.type === "deliver" && e.kind === "request_vote" && e.from === name(2) && e.to === name(1),
    );
    expect(asked[0].t).toBeGreaterThan(back?.t ?? Number.POSITIVE_INFINITY);
    // ...and refused: agent-0 is term 1's only leader, the next leader comes in a later term.
    const leaders = events.filter((e) => e.type === "raft_leader");
    expect(leaders.filter((e) => e.term === 1).map((e) => e.node)).toEqual([name(0)]);
    expect(leaders.length).toBeGreaterThan(1);
  });
});

describe("Raft with an even team: half is not a majority", () => {
  it("four servers split two and two: the leader's half commits nothing until the heal", () => {
    const loaded = scenarioOf({
      seed: 8,
      replicates: 5,
      horizon_s: 600,
      agents: { model: "gpt-4o", count: 4 },
      team: { protocol: "raft", first_leader: 0 },
      task: { kind: "questions", items: 20, difficulty: { kind: "fixed", p: 0.7 } },
      faults: [
        {
          at_s: 10,
          partition: [
            [name(0), name(1)],
            [name(2), name(3)],
          ],
          heal_at_s: 60,
        },
      ],
    });
    const report = runScenario(loaded).report;
    expect(report.summary.violations).toBe(0);
    expect(report.summary.decided_all.min).toBe(1);
    let appendedInCut = 0;
    for (let r = 0; r < 5; r++) {
      const { events } = tracedReplicate(loaded, r);
      const applies = events.filter((e) => e.type === "raft_apply");
      let before = 0;
      for (const e of applies) if (e.t <= 10) before = Math.max(before, e.index as number);
      // agent-0 still leads its half and appends answers there (in a replicate
      // whose last append before the cut waits for a commit, it has none to add)...
      const cut = (e: TraceEvent) => e.t > 10 && e.t < 60;
      const appended = events.filter((e) => e.type === "raft_append" && e.node === name(0));
      appendedInCut += appended.filter(cut).length;
      // ...but two of four store them: nobody commits past what was committed before.
      for (const e of applies.filter(cut)) expect(e.index).toBeLessThanOrEqual(before);
    }
    expect(appendedInCut).toBeGreaterThan(0);
  });
});

describe("Raft liveness after recoveries (issue 11)", () => {
  const FIVE = [0, 1, 2, 3, 4].map(name);
  const failover = (faults: unknown[], sets: string[] = []) =>
    runScenario(
      loadScenario(join(ROOT, "scenarios/raft-failover.yaml"), {
        sets: ["replicates=20", `faults=${JSON.stringify(faults)}`, ...sets],
      }),
    ).report;

  // Every correct node up at the end decides every item, nothing unsafe, no stall.
  function expectLive(report: ReturnType<typeof failover>): void {
    expect(report.replicates).toBeGreaterThanOrEqual(20);
    expect(report.summary.violations).toBe(0);
    expect(report.summary.decided_all.min).toBe(1);
    expect(report.summary.liveness.failed).toBe(0);
    expect(report.end_reasons).toEqual({ quiescent: report.replicates });
  }

  it("all five crash at 20 s and recover at 30 s: the team carries on", () => {
    expectLive(
      failover([
        { at_s: 20, crash: FIVE },
        { at_s: 30, recover: FIVE },
      ]),
    );
  });

  it("crash four, partition, recover them, crash the fifth, heal, recover it", () => {
    expectLive(
      failover([
        { at_s: 20, crash: FIVE.slice(1) },
        { at_s: 25, partition: [[name(0)], FIVE.slice(1)], heal_at_s: 50 },
        { at_s: 30, recover: FIVE.slice(1) },
        { at_s: 40, crash: [name(0)] },
        { at_s: 60, recover: [name(0)] },
      ]),
    );
  });

  it("a node that recovers after the others finished catches up (done is not for good)", () => {
    // The team finishes its 30 items at about 110 s; agent-4, down since 20 s, comes
    // back at 300 s. Before the fix the finished flag had stopped every timer for
    // good: nobody sent it anything and it decided nothing more (decided_all 0.14).
    const report = failover([
      { at_s: 20, crash: [name(4)] },
      { at_s: 300, recover: [name(4)] },
    ]);
    expectLive(report);
    // The leader, still up, resumes its heartbeats and repairs it: no election needed.
    expect(report.summary.leader_changes.max).toBe(0);
  });

  it("everyone down after the finish, then back: the one that was behind catches up", () => {
    expectLive(
      failover([
        { at_s: 20, crash: [name(4)] },
        { at_s: 200, crash: FIVE.slice(0, 4) },
        { at_s: 300, recover: FIVE },
      ]),
    );
  });

  it("timeout detector: a node cut off until after the finish catches up once the partition heals", () => {
    // The leader's detector suspects the cut-off node, so the others finish without
    // it; its RequestVotes after the heal wake the team, which repairs its log.
    expectLive(
      failover(
        [{ at_s: 20, partition: [[name(4)], FIVE.slice(0, 4)], heal_at_s: 200 }],
        ["team.failure_detector={kind: timeout}"],
      ),
    );
  });
});
