import { z } from "zod";
import type { Node } from "../runtime/Node.js";
import type { ProcessBody } from "../runtime/Process.js";
import type { Protocol, Runtime } from "../runtime/Runtime.js";
import type { Question } from "../tasks/QuestionSet.js";
import type { ProtocolModule } from "./Protocol.js";

const schema = z.strictObject({
  protocol: z.literal("two-phase-commit"),
  vote_timeout_s: z.number().positive().default(60).meta({
    description: "the coordinator aborts a round when a participant's vote is missing this long",
  }),
  status_interval_s: z.number().positive().default(30).meta({
    description:
      "a participant that voted yes and has no decision asks the coordinator again this often (it cannot decide alone: it blocks)",
  }),
  max_rounds: z.number().int().min(1).default(3).meta({
    description: "proposals per item before the coordinator gives up on it (decides no answer)",
  }),
});

type Options = z.output<typeof schema>;

/** Size in tokens of a vote, a decision or a status request. */
const CONTROL_TOKENS = 8;

type Msgs = {
  /** Phase 1: the coordinator proposes `answer` for `item` in `round`. */
  prepare: { item: number; round: number; answer: number };
  /** A participant's vote: yes if its own call gave the same answer. */
  vote: { item: number; round: number; yes: boolean };
  /** Phase 2: commit (`final`, the answer) or abort `round` (not final). */
  decision: { item: number; round: number; answer: number; final: boolean };
  /** "What became of `item`?" from a participant that voted yes and heard nothing. */
  status: { item: number };
};

// Two-phase commit (Gray 1978; Bernstein, Hadzilacos & Goodman 1987, ch. 7),
// one transaction per item. agent-0 coordinates: it asks its model for the
// item's answer and sends PREPARE; every participant asks its own model and
// votes yes if it got the same answer. Unanimous yes: the coordinator logs the
// decision (durable), decides and sends COMMIT; a no or a missing vote: ABORT,
// and the item is proposed again, up to max_rounds times.
//
// A participant that voted yes is uncertain: it may not decide alone (the
// coordinator might have committed or aborted), so it asks the coordinator
// every status_interval_s and waits. If the coordinator crashes between
// PREPARE and COMMIT, every participant blocks: nothing is decided (and nothing
// violated) until the coordinator recovers, reads its log and carries on.
// Raft does not block: a majority elects a new leader.
class TwoPhaseCommit implements Protocol {
  private readonly nodes: readonly Node<Msgs>[];
  private readonly coordinator: Node<Msgs>;
  private readonly participants: readonly Node<Msgs>[];
  // Durable: the coordinator's decision log and last round per item...
  private readonly log = new Map<number, number>();
  private readonly rounds: number[];
  // ...and each participant's decisions and yes votes not yet resolved (item -> round).
  private readonly decided: Set<number>[];
  private readonly uncertain: Map<number, number>[];

  constructor(
    private readonly rt: Runtime,
    private readonly options: Options,
  ) {
    const nodes = rt.nodes<Msgs>();
    this.nodes = nodes;
    this.coordinator = nodes[0];
    this.participants = nodes.slice(1);
    this.rounds = rt.questions.items.map(() => 0);
    this.decided = nodes.map(() => new Set());
    this.uncertain = nodes.map(() => new Map());
  }

  start(): void {
    this.coordinator.on("status", ({ item }, from) => {
      const answer = this.log.get(item);
      const decision = { item, round: 0, answer: answer ?? -1, final: true };
      if (answer !== undefined) this.coordinator.send(from, "decision", decision, CONTROL_TOKENS);
    });
    for (const p of this.participants) this.participate(p);
    this.coordinator.spawn(this.coordinate());
  }

  recover(node: Node): void {
    if (node === this.coordinator) this.coordinator.spawn(this.coordinate());
    else
      for (const item of this.uncertain[node.index].keys())
        this.askStatus(this.nodes[node.index], item);
  }

  // The coordinator, item after item, from the first one its log has not decided.
  private *coordinate(): ProcessBody {
    const me = this.coordinator;
    const items = this.rt.questions.items;
    for (let k = 0; k < items.length; k++) {
      if (this.log.has(k)) continue;
      for (;;) {
        const round = ++this.rounds[k];
        const r = yield* me.call(request(items[k], k));
        if (r.ok) this.rt.history.propose(k, r.answer);
        const answer = r.ok ? r.answer : -1;
        me.broadcast("prepare", { item: k, round, answer }, r.outputTokens);
        const yes = yield* this.collect(k, round);
        const commit = answer >= 0 && yes;
        if (commit || round >= this.options.max_rounds) {
          const decision = commit ? answer : -1;
          this.log.set(k, decision); // logged before anyone is told: the commit point
          this.rt.decide(me, k, decision);
          const final = { item: k, round, answer: decision, final: true };
          me.broadcast("decision", final, CONTROL_TOKENS);
          break;
        }
        me.broadcast("decision", { item: k, round, answer: -1, final: false }, CONTROL_TOKENS);
      }
    }
  }

  // Phase 1's votes: true on a yes from every participant before the timeout.
  private *collect(item: number, round: number): ProcessBody<boolean> {
    const me = this.coordinator;
    const deadline = this.rt.now + this.options.vote_timeout_s;
    const yes = new Set<Node>();
    while (yes.size < this.participants.length) {
      const v = yield* me.receiveMessage("vote", deadline - this.rt.now);
      if (v === null) return false;
      if (v.payload.item !== item || v.payload.round !== round) continue;
      if (!v.payload.yes) return false;
      yes.add(v.from);
    }
    return true;
  }

  private participate(p: Node<Msgs>): void {
    const decided = this.decided[p.index];
    const uncertain = this.uncertain[p.index];
    p.on("prepare", ({ item, round, answer }) => {
      if (decided.has(item)) return;
      const q = this.rt.questions.items[item];
      p.call(request(q, item), (r) => {
        if (r.ok) this.rt.history.propose(item, r.answer);
        const yes = r.ok && r.answer === answer;
        p.send(this.coordinator, "vote", { item, round, yes }, r.outputTokens);
        if (!yes) return;
        if (!uncertain.has(item)) this.askStatus(p, item);
        uncertain.set(item, round);
      });
    });
    p.on("decision", ({ item, round, answer, final }) => {
      // An abort ends only the round it names (the network may reorder it after the next PREPARE).
      if (final || uncertain.get(item) === round) uncertain.delete(item);
      if (!final || decided.has(item)) return;
      decided.add(item);
      this.rt.decide(p, item, answer);
    });
  }

  // An uncertain participant keeps asking until it learns the outcome: it blocks.
  private askStatus(p: Node<Msgs>, item: number): void {
    const timer = p.every(this.options.status_interval_s, () => {
      if (!this.uncertain[p.index].has(item)) timer.cancel();
      else p.send(this.coordinator, "status", { item }, CONTROL_TOKENS);
    });
  }
}

function request(q: Question, k: number) {
  return { inputTokens: q.promptTokens, pRef: q.pRef, choices: q.choices, label: k };
}

/** `two-phase-commit`: agent-0 coordinates an atomic commit of each item's answer; blocks if it crashes. */
export const twoPhaseCommit: ProtocolModule<typeof schema> = {
  name: "two-phase-commit",
  summary:
    "agent-0 proposes each answer, every participant votes yes if its own call agrees, commit only on unanimous yes; blocks when the coordinator crashes",
  schema,
  tasks: ["questions"],
  example: "scenarios/two-phase-commit.yaml",
  law: { none: "an item commits only if every agent's call agrees, in up to max_rounds rounds" },
  roles: (_o, n) => Array.from({ length: n }, (_, i) => (i === 0 ? "coordinator" : "participant")),
  // Up to max_rounds proposals, each a call per member, and prepare, vote,
  // decision and acknowledgement messages to and from every member.
  workPerItem: (o, n) => ({ calls: o.max_rounds * n, messages: o.max_rounds * 4 * n + n }),
  create: (rt, options) => new TwoPhaseCommit(rt, options),
};
