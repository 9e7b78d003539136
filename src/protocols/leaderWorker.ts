import { z } from "zod";
import { correctProbability } from "../agents/correctProbability.js";
import type { TeamFit } from "../analytic/LawFit.js";
import type { RandomStream } from "../core/Rng.js";
import { Desk } from "../runtime/Desk.js";
import type { Node } from "../runtime/Node.js";
import type { Runtime } from "../runtime/Runtime.js";
import {
  ACCEPTED,
  CONTROL_TOKENS,
  READY,
  REVIEWING,
  WorkDispatcher,
  type WorkMessages,
  type WorkResult,
} from "../runtime/WorkDispatcher.js";
import { Worker } from "../runtime/Worker.js";
import type { Protocol, ProtocolModule } from "./Protocol.js";

const schema = z.strictObject({
  protocol: z.literal("leader-worker"),
  assignment: z.enum(["preassigned", "dynamic"]).default("dynamic").meta({
    description:
      "preassigned: every subtask handed out before the run (round-robin in topological order, chains kept on one worker); dynamic: the next ready one to an idle worker",
  }),
  rounds: z.enum(["synchronous", "asynchronous"]).default("asynchronous").meta({
    description:
      "synchronous: rounds with a barrier (the leader waits for the slowest worker, reviews, assigns); asynchronous: workers proceed independently",
  }),
  plan_tokens_per_subtask: z.number().int().min(0).default(40).meta({
    description: "output tokens of the leader's planning call per subtask (0: no planning call)",
  }),
  verify: z
    .strictObject({ catch_probability: z.number().min(0).max(1) })
    .optional()
    .meta({
      description:
        "the leader reviews each result, catching a wrong one with this chance if it is the reference model (skill 0); a leader of skill s catches with sigmoid(logit(p) + s)",
    }),
  integrate_tokens: z.number().int().min(0).default(300).meta({
    description: "output tokens of the leader's final integration call (0: none)",
  }),
});

type Options = z.output<typeof schema>;
type Msgs = WorkMessages;
type Member = Node<Msgs>;

/** Output tokens of a leader's review of one result. */
const REVIEW_TOKENS = 100;

// agent-0 leads: it plans, hands out subtasks, reviews and accepts results, and
// integrates at the end; agent-1..n-1 work. Star topology: every message goes to
// or from the leader. With one agent (or while every worker is down) the leader
// does the work itself, behind its own calls (one at a time).
//
// Choices worth knowing:
// - A subtask is decided when the leader accepts it; the integration call comes
//   after the last decision. The planning call and the reviews are on the
//   critical path.
// - Synchronous rounds: a round lasts until every worker's subtask is done,
//   redos caught by its tests included; the leader picks each worker's subtask
//   (preassigned: the worker's first ready one) in the round's assignment, so no
//   separate up-front assignment or "dependencies done" messages are sent.
// - When the leader's failure detector suspects a worker, its unfinished
//   subtasks are reassigned (dynamic: back in the ready queue; preassigned: by
//   the same rule as before the run, over the workers not suspected). A worker
//   trusted again rejoins: it takes new subtasks (preassigned: those reassigned
//   from then on). Lost messages are not resent.
// - The leader is a single point of failure while it is down. Its record of
//   accepted subtasks (decided) and its plan (preassigned: the owners) are
//   durable: a recovered leader resumes from them, handing out again everything
//   not accepted (results sent to it while it was down are lost, so that work is
//   done again; a copy arriving late is rework).
class LeaderWorker implements Protocol {
  private readonly leader: Member;
  private readonly desk: Desk;
  private readonly work: WorkDispatcher;
  private readonly crew: Worker[];
  private readonly verifyRng: RandomStream;
  // The leader's chance of catching a wrong result: the option's, shifted by its model's skill.
  private readonly catchProbability: number;
  // Durable: the size of the accepted results (integration's input); preassigned,
  // the owner of each subtask (the plan).
  private resultTokens = 0;
  private readonly holder: Member[] = [];
  private roundRobin = 0;
  // Volatile, reset by `begin`.
  /** Synchronous: the workers whose result the round waits for, and the results in. */
  private outstanding = new Set<Member>();
  private roundResults: (WorkResult & { worker: Member })[] = [];
  private reviewsPending = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly options: Options,
  ) {
    const nodes = rt.nodes<Msgs>();
    this.leader = nodes[0];
    this.desk = new Desk(this.leader);
    this.verifyRng = rt.stream("protocol/leader-worker/verify");
    this.catchProbability = correctProbability(
      options.verify?.catch_probability ?? 0,
      this.leader.llm.profile.skill.value,
    );
    const { order } = rt.workGraph;
    const mode = this.preassigned ? "owned" : this.synchronous ? "rounds" : "dynamic";
    this.work = new WorkDispatcher(rt, this.leader, nodes.slice(1), order, mode);
    this.work.onResult((w, r) => this.onResult(w, r));
    // A worker trusted again is in the pool: dynamic, it gets work at once (the
    // default); synchronous, in the next round; preassigned, what is reassigned.
    this.work.onWorkers = (w, lost) => (lost ? this.onWorkerLost(w) : this.work.dispatch());
    this.crew = nodes.map(
      (n) => new Worker(rt, n, this.leader, n === this.leader ? this.desk : undefined),
    );
  }

  start(): void {
    const graph = this.rt.workGraph;
    this.desk.plan(graph, graph.order, this.options.plan_tokens_per_subtask, () => this.begin());
  }

  recover(node: Node): void {
    this.crew[node.index].reset();
    // A worker rejoins when the leader's detector trusts it again.
    if (node !== this.leader) return;
    this.desk.reset();
    this.work.restart();
    if (this.work.isOpen) this.begin();
    else this.start();
  }

  private get synchronous(): boolean {
    return this.options.rounds === "synchronous";
  }

  private get preassigned(): boolean {
    return this.options.assignment === "preassigned";
  }

  // The plan is out (or the leader recovered): hand out every subtask not accepted.
  private begin(): void {
    this.outstanding.clear();
    this.roundResults = [];
    this.reviewsPending = 0;
    this.work.open();
    const todo = this.rt.workGraph.order.filter((s) => this.work.status[s] !== ACCEPTED);
    for (const s of todo) {
      if (this.preassigned && !this.work.pool.includes(this.holder[s]))
        this.holder[s] = this.ownerFor(s);
    }
    if (this.synchronous) this.startRound();
    else if (this.preassigned) for (const s of todo) this.assign(s, this.work.status[s] === READY);
  }

  // A subtask whose dependency some worker in the pool owns goes to that worker
  // (a chain stays on one worker); otherwise the next one in round-robin order.
  private ownerFor(s: number): Member {
    const pool = this.work.pool;
    for (const d of this.rt.workGraph.subtasks[s].deps) {
      const w = this.holder[d];
      if (w !== undefined && pool.includes(w)) return w;
    }
    return pool[this.roundRobin++ % pool.length];
  }

  private assign(s: number, cleared: boolean): void {
    this.leader.sendReliably(this.holder[s], "assign", { subtask: s, cleared }, CONTROL_TOKENS);
  }

  private startRound(): void {
    const { order } = this.rt.workGraph;
    const round: [Member, number][] = [];
    for (const w of this.work.pool) {
      // Preassigned: the worker's first ready subtask in topological order.
      const s = this.preassigned
        ? (order.find((k) => this.holder[k] === w && this.work.status[k] === READY) ?? -1)
        : this.work.next();
      if (s >= 0) round.push([w, s]);
    }
    // Nothing left to do (all accepted, or nobody can make progress): no more rounds.
    if (round.length === 0) return;
    this.rt.counters.rounds++;
    for (const [w, s] of round) {
      this.work.give(w, s);
      this.outstanding.add(w);
    }
  }

  private onResult(w: Member, r: WorkResult): void {
    if (this.work.take(w, r.subtask)) {
      if (this.synchronous) {
        this.work.status[r.subtask] = REVIEWING;
        this.roundResults.push({ ...r, worker: w });
      } else {
        this.review(r);
      }
    }
    if (this.synchronous) {
      this.outstanding.delete(w);
      this.maybeEndRound();
    }
    this.work.dispatch();
  }

  // Synchronous barrier: once every result of the round is in (or its worker is
  // suspected), the leader reviews them in worker order, then starts the next round.
  private maybeEndRound(): void {
    if (this.outstanding.size > 0 || this.reviewsPending > 0) return;
    const results = this.roundResults.sort((a, b) => a.worker.index - b.worker.index);
    this.roundResults = [];
    if (results.length === 0) return this.startRound();
    this.reviewsPending = results.length;
    for (const r of results) {
      this.review(r, () => {
        if (--this.reviewsPending === 0) this.startRound();
      });
    }
  }

  // The leader accepts a result, after reviewing it when `verify` is set.
  private review(r: WorkResult, after?: () => void): void {
    const s = r.subtask;
    this.work.status[s] = REVIEWING;
    const verify = this.options.verify;
    if (verify === undefined) {
      this.accept(r);
      after?.();
      return;
    }
    const request = { inputTokens: Math.max(1, r.tokens), outputTokens: REVIEW_TOKENS };
    this.desk.call({ ...request, label: `review-${s}` }, (c) => {
      // One draw per review, caught or not, so later reviews see the same numbers.
      const u = this.verifyRng.next();
      if (c.ok && !r.correct && u < this.catchProbability) {
        this.rt.counters.rework++;
        this.sendBack(s);
      } else {
        this.accept(r);
      }
      after?.();
      this.work.dispatch();
    });
  }

  // A caught wrong result is done again: dynamic puts it back in line, preassigned
  // returns it to its owner (or a successor in the pool).
  private sendBack(s: number): void {
    this.work.ready(s);
    if (!this.preassigned) return;
    if (!this.work.pool.includes(this.holder[s])) this.holder[s] = this.ownerFor(s);
    if (!this.synchronous) this.assign(s, true);
  }

  private accept({ subtask: s, correct, tokens }: WorkResult): void {
    this.resultTokens += tokens;
    const answer = correct ? 0 : 1;
    this.rt.history.propose(s, answer);
    this.rt.history.decide(s, this.leader.name, answer, this.rt.now);
    for (const d of this.work.done(s)) {
      if (this.preassigned && !this.synchronous)
        this.leader.sendReliably(this.holder[d], "go", { subtask: d }, CONTROL_TOKENS);
    }
    if (this.work.finished) this.desk.integrate(this.resultTokens, this.options.integrate_tokens);
  }

  // The detector suspects worker `w` (its running subtask is back in line already):
  // preassigned, its other unfinished subtasks get new owners.
  private onWorkerLost(w: Member): void {
    // Before the plan is out nothing has been handed to anyone yet.
    if (!this.work.isOpen) return;
    if (this.preassigned) {
      for (const s of this.rt.workGraph.order) {
        const status = this.work.status[s];
        if (this.holder[s] !== w || status === ACCEPTED) continue;
        this.holder[s] = this.ownerFor(s);
        if (!this.synchronous && status !== REVIEWING) this.assign(s, status === READY);
      }
    }
    if (this.synchronous) {
      this.outstanding.delete(w);
      this.maybeEndRound();
    }
    this.work.dispatch();
  }
}

// Speedup laws count the agents that do subtasks: the n − 1 workers (the leader when alone).
const workers = (team: Options): TeamFit => ({
  lawN: (n) => Math.max(1, n - 1),
  notes: ["leader-worker: the law's n is the n − 1 workers (1 alone)", ...overhead(team)],
});

// The leader's planning call and reviews are work no law counts.
const overhead = (team: Options) =>
  team.plan_tokens_per_subtask > 0 || team.verify !== undefined
    ? ["the law misses the leader's planning and reviews (plan_tokens_per_subtask: 0, no verify)"]
    : [];

/** `leader-worker`: agent-0 plans, assigns subtasks to agent-1..n-1, reviews and integrates. */
export const leaderWorker: ProtocolModule<typeof schema> = {
  name: "leader-worker",
  summary:
    "agent-0 plans and hands subtasks to workers (preassigned or dynamic, rounds or free-running), accepts results, integrates",
  schema,
  tasks: ["workgraph"],
  example: "scenarios/leader-worker.yaml",
  law: {
    fits: {
      amdahl: workers,
      "work-span": workers,
      // The law counts the leader itself: its n is the team size.
      "leader-worker-speedup": (team) => ({ notes: overhead(team) }),
    },
  },
  roles: (_o, n) => Array.from({ length: n }, (_, i) => (i === 0 ? "leader" : "worker")),
  // A call per subtask, with planning, review and rework up to three; an
  // assignment and a result, with resends up to four messages.
  workPerItem: () => ({ calls: 3, messages: 4 }),
  create: (rt, options) => new LeaderWorker(rt, options),
};
