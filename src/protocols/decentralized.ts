import { z } from "zod";
import { doSubtask, type SubtaskOutcome } from "../runtime/doSubtask.js";
import type { Timer } from "../runtime/Node.js";
import type { Protocol, Runtime } from "../runtime/Runtime.js";
import type { ProtocolModule } from "./Protocol.js";

const schema = z.strictObject({
  protocol: z.literal("decentralized"),
  rounds: z.enum(["synchronous", "asynchronous"]).default("asynchronous").meta({
    description:
      "asynchronous: an agent claims its next subtask once free; synchronous (the paper's): rounds of one call per agent, then a barrier",
  }),
  pick: z.enum(["first", "random"]).default("random").meta({
    description:
      "first: the first claimable subtask in topological order; random: uniform among the first pick_window",
  }),
  pick_window: z.number().int().min(1).default(3).meta({
    description: "how many of the first claimable subtasks a random pick chooses among",
  }),
  claim_tokens: z
    .number()
    .int()
    .min(0)
    .default(20)
    .meta({ description: "a claim's size (tokens)" }),
  idle_call_tokens: z.number().int().min(1).default(50).meta({
    description: "output tokens of an idle agent's look at the board in a synchronous round",
  }),
  claim_timeout_s: z.number().positive().default(600).meta({
    description: "a claim with no completion this long is presumed dead and may be claimed again",
  }),
});

type Options = z.output<typeof schema>;

/** Node name of the shared repository (the true board; in synchronous mode also the round barrier). */
export const BOARD = "board";

type Claim = { agent: number; at: number };

type Msgs = {
  /** The sender claimed `item` at time `at`. */
  claim: { item: number; at: number };
  /** The sender's output of `item` was accepted. */
  done: { item: number };
};

// Leaderless peers claim subtasks from an eventually consistent task board.
// Each agent decides from its own copy, which messages update with network
// delay and loss. The true board (the shared repository) orders the claims:
// the earliest live claim holds the subtask and its output is the one the team
// accepts; every later concurrent claimant's work is thrown away when it
// finishes. Accepting the first claim rather than the first finished output
// keeps duplicate work a pure loss: racing copies of a subtask would otherwise
// hedge the call latency and beat the work-span bound. The repository learns of
// crashes by its failure detector: a crashed peer's claims die with it.
//
// Rejoining: a recovered peer has lost what it was doing; it pulls the
// repository (the subtasks accepted so far) into its copy, drops its own claims
// and claims again (asynchronous: at once; synchronous: from the next round).
function create(rt: Runtime, options: Options): Protocol {
  const graph = rt.workGraph;
  const nodes = rt.nodes<Msgs>();
  const board = rt.node<Msgs>(BOARD);
  const detector = rt.detector(board);
  const m = graph.size;
  // Each agent's copy of the board: which subtasks are done, the newest claim of each.
  const done = nodes.map(() => new Uint8Array(m));
  const claims = nodes.map(() => new Array<Claim | null>(m).fill(null));
  const accepted = new Uint8Array(m);
  const acceptedAt = new Float64Array(m).fill(Number.NaN);
  /** Live claims of each subtask on the true board, earliest first (the first one holds it). */
  const working: Claim[][] = Array.from({ length: m }, () => []);
  // Busy: a call in flight, or for good after a prompt that can never fit.
  const busy = nodes.map(() => false);
  const wake: (Timer | null)[] = nodes.map(() => null);
  const picks = nodes.map((node) => rt.stream(`agent/${node.index}/pick`));
  const sync = options.rounds === "synchronous";
  // Synchronous rounds: who the barrier still waits for (null between rounds),
  // whether to go on at once, whether nothing can happen until a copy changes.
  let round: Set<number> | null = null;
  let again = false;
  let dormant = false;
  let nextRound: Timer | null = null;

  const changed = (i: number) => {
    if (!sync) {
      if (!busy[i]) tryWork(i);
    } else if (round !== null) again = true;
    else if (dormant) scheduleRound(0);
  };
  for (const node of nodes) {
    const i = node.index;
    node.on("claim", ({ item, at }, from) => {
      const known = claims[i][item];
      // The newest claim is the best evidence that someone is still on it.
      if (done[i][item] === 1 || (known !== null && at <= known.at)) return;
      claims[i][item] = { agent: from.index, at };
      changed(i);
    });
    node.on("done", ({ item }) => {
      if (done[i][item] === 1) return;
      done[i][item] = 1;
      changed(i);
    });
  }

  /** How long until agent i may claim subtask k by its copy (Infinity: done, or waiting for dependencies). */
  const wait = (i: number, k: number): number => {
    if (done[i][k] === 1 || graph.subtasks[k].deps.some((d) => done[i][d] === 0))
      return Number.POSITIVE_INFINITY;
    const c = claims[i][k];
    // Someone else's claim blocks it until it goes stale.
    return c === null || c.agent === i ? 0 : Math.max(c.at + options.claim_timeout_s - rt.now, 0);
  };

  /** The subtask agent i claims next according to its copy, or -1. */
  const choose = (i: number): number => {
    const want = options.pick === "first" ? 1 : options.pick_window;
    const candidates: number[] = [];
    // (1e-9: floating-point slack for a claim going stale at a timer scheduled for exactly then)
    for (const k of graph.order) if (wait(i, k) <= 1e-9 && candidates.push(k) === want) break;
    if (candidates.length === 0) return -1;
    return options.pick === "first" ? candidates[0] : candidates[picks[i].int(candidates.length)];
  };
  const untilStale = (i: number) => Math.min(...graph.subtasks.map((s) => wait(i, s.index)));

  /** Agent i claims subtask k on the true board and to every peer, and does it. */
  const take = (i: number, k: number, then: () => void) => {
    // Someone else is already on it, or it is already done: a concurrent claim.
    if (accepted[k] === 1 || working[k].some((c) => c.agent !== i)) rt.counters.conflicts++;
    const claim = { agent: i, at: rt.now };
    working[k].push(claim);
    claims[i][k] = claim;
    nodes[i].broadcast("claim", { item: k, at: claim.at }, options.claim_tokens);
    busy[i] = true;
    doSubtask(rt, nodes[i], graph.subtasks[k], (o) => {
      busy[i] = false;
      finish(i, k, claim.at, o);
      then();
    });
  };

  const finish = (i: number, k: number, started: number, o: SubtaskOutcome) => {
    const [owner] = working[k];
    working[k] = working[k].filter((c) => c.agent !== i);
    // The prompt can never fit: the agent gives up (its claim goes stale and is taken over).
    if (!o.ok) return void (busy[i] = true);
    const answer = o.correct ? 0 : 1;
    rt.history.propose(k, answer);
    if (accepted[k] === 1 || (owner !== undefined && owner.agent !== i)) {
      // Done already (its copy had not heard), or an earlier claim holds the
      // subtask's file: the output is thrown away, even if it is finished first,
      // and the agent now knows.
      rt.counters.rework++;
      if (accepted[k] === 1) done[i][k] = 1;
      else claims[i][k] = owner;
      return;
    }
    // Two subtasks that write the same file and were done over overlapping
    // intervals conflict; the later one to finish counts the pair.
    const files = graph.subtasks[k].files;
    for (const s of graph.subtasks)
      if (acceptedAt[s.index] > started && s.files.some((f) => files.includes(f)))
        rt.counters.conflicts++;
    accepted[k] = 1;
    acceptedAt[k] = rt.now;
    rt.history.decide(k, nodes[i].name, answer, rt.now);
    done[i][k] = 1;
    nodes[i].broadcast("done", { item: k }, o.outputTokens);
    if (accepted.every((a) => a === 1)) detector.stop();
  };

  // Asynchronous: a peer claims its next subtask as soon as it is free; idle, it
  // waits for a message that changes its copy, or for a blocking claim to go stale.
  const tryWork = (i: number) => {
    wake[i]?.cancel();
    const k = choose(i);
    if (k >= 0) return take(i, k, () => !busy[i] && tryWork(i));
    const dt = untilStale(i);
    if (dt < Number.POSITIVE_INFINITY) wake[i] = nodes[i].after(dt, () => !busy[i] && tryWork(i));
  };

  // Synchronous: rounds of one call per peer (a look at the board if it finds
  // nothing to claim), ending at a barrier.
  const scheduleRound = (dt: number) => {
    nextRound?.cancel();
    dormant = false;
    nextRound = board.after(dt, startRound);
  };

  const startRound = () => {
    dormant = false;
    const workers: [number, number][] = [];
    const idlers: number[] = [];
    for (const node of nodes) {
      const i = node.index;
      if (detector.suspects(node) || busy[i] || done[i].every((d) => d === 1)) continue;
      const k = choose(i);
      if (k < 0) idlers.push(i);
      else workers.push([i, k]);
    }
    if (workers.length + idlers.length === 0) return;
    rt.counters.rounds++;
    round = new Set([...workers.map(([i]) => i), ...idlers]);
    again = workers.length > 0;
    // Everyone picks from the board as it was at the start of the round, then claims.
    for (const [i, k] of workers) take(i, k, () => arrive(i));
    const look = { inputTokens: Math.max(1, options.claim_tokens * m), label: "board" };
    for (const i of idlers) {
      busy[i] = true;
      nodes[i].call({ ...look, outputTokens: options.idle_call_tokens }, () => {
        busy[i] = false;
        arrive(i);
      });
    }
  };

  // The barrier: the round ends when the slowest call has returned (or its caller is down).
  const arrive = (i: number) => {
    if (round === null || !round.delete(i) || round.size > 0) return;
    round = null;
    if (again) return scheduleRound(0);
    // Nobody could do anything: wait for a message that changes a copy, or a stale claim.
    const idle = nodes.filter((node) => !detector.suspects(node) && !busy[node.index]);
    const dt = Math.min(...idle.map((node) => untilStale(node.index)));
    if (dt < Number.POSITIVE_INFINITY) scheduleRound(dt);
    dormant = true;
  };

  // A peer known to be down: its claims die with it and the barrier stops waiting for it.
  const forget = (i: number) => {
    for (let k = 0; k < m; k++) working[k] = working[k].filter((c) => c.agent !== i);
    arrive(i);
  };
  detector.onChange((node, suspected) => {
    if (suspected) forget(node.index);
    else if (sync && dormant) scheduleRound(0);
  });

  return {
    start: () => (sync ? startRound() : nodes.forEach((node) => tryWork(node.index))),
    recover: (node) => {
      const i = node.index;
      busy[i] = false;
      forget(i);
      done[i].set(accepted);
      claims[i] = claims[i].map((c) => (c?.agent === i ? null : c));
      if (!sync) tryWork(i);
      else if (dormant) scheduleRound(0);
    },
  };
}

// Speedup laws count the agents that do subtasks: every one.
const everyone = () => ({ notes: ["decentralized: every agent works (the law's n = n)"] });

/** `decentralized`: leaderless peers claim subtasks from an eventually consistent board (the paper's decentralized mode). */
export const decentralized: ProtocolModule<typeof schema> = {
  name: "decentralized",
  summary:
    "leaderless peers claim subtasks from an eventually consistent board; concurrent claims conflict",
  schema,
  tasks: ["workgraph"],
  extraNodes: [BOARD],
  example: "scenarios/decentralized.yaml",
  law: {
    fits: { amdahl: everyone, "work-span": everyone },
    none: "conflicts and rework on an eventually consistent board depend on timing and delays",
  },
  roles: (_o, n) => Array.from({ length: n }, () => "peer"),
  // A call per subtask, and each idle member's look at the board in a round;
  // claims and completions are broadcast, and contending claims grow with n
  // (measured: about 0.45 n² messages per subtask at n = 64).
  workPerItem: (_o, n) => ({ calls: n + 2, messages: n * n + 2 * n }),
  create,
};
