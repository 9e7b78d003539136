import { z } from "zod";
import type { MockLLM } from "../agents/MockLLM.js";
import type { RandomStream } from "../core/Rng.js";
import type { Message } from "../net/Network.js";
import type { WorkGraph } from "../tasks/WorkGraph.js";
import { executeSubtask } from "./executeSubtask.js";
import type { Protocol, ProtocolContext, ProtocolModule } from "./Protocol.js";
import { workGraphOf } from "./taskOf.js";

const StageSchema = z.enum(["planner", "coder", "reviewer"]);

const schema = z.strictObject({
  protocol: z.literal("pipeline"),
  /** The stages every subtask flows through, in order; agent-i works stage i mod S. */
  stages: z
    .array(StageSchema)
    .min(1)
    .default(["planner", "coder", "reviewer"])
    .refine(
      (s) => s.includes("coder"),
      "a list of stages with a coder (someone must write the code)",
    )
    .refine(
      (s) => s.indexOf("reviewer") < 0 || s.indexOf("reviewer") > s.indexOf("coder"),
      "a list of stages with every reviewer after a coder (a review sends work back to a coder)",
    ),
  /** Output tokens of a planner's plan. */
  plan_tokens: z.number().int().min(1).default(150),
  /** Output tokens of a reviewer's review. */
  review_tokens: z.number().int().min(1).default(100),
  /** Probability that a reviewer catches a wrong output that slipped past the tests. */
  review_catch_probability: z.number().min(0).max(1).default(0.7),
  /** A hand-off not received after this long (lost on the network) is sent again, up to 20 times. */
  handoff_timeout_s: z.number().positive().default(30),
});

type Options = z.output<typeof schema>;
type Stage = z.output<typeof StageSchema>;

/** A subtask in flight through the pipeline: what has been handed over so far. */
interface Item {
  index: number;
  /** Tokens of the plan the coder gets (0 without a planner). */
  planTokens: number;
  /** Tokens of the review the coder gets when a reviewer sent the work back. */
  reviewTokens: number;
  /** Whether the code written so far is right (the simulator's truth, not the agents'). */
  correct: boolean;
  codeTokens: number;
  /** Bumped at every hand-off, so a hand-off re-sent after a crash is accepted once. */
  seq: number;
}

interface HandOff {
  item: number;
  stage: number;
  seq: number;
}

// Size of the note that releases a subtask whose dependencies are all through.
const RELEASE_TOKENS = 20;
// Re-sends of one hand-off before it is given up as lost (a partition that never heals).
const MAX_RESENDS = 20;

// Stages as agents: every subtask goes planner -> coder -> reviewer (or the
// configured stages), different subtasks in different stages at once. Each
// stage has a queue shared by its agents, served lowest topological position
// first; an agent holding several stages serves the latest stage first, to
// drain the pipeline and release dependents early. A crashed agent's stages go
// to a surviving agent (perfect failure detector), and what it was doing or was
// being handed goes back to its stage's queue.
class Pipeline implements Protocol {
  private readonly n: number;
  private readonly graph: WorkGraph;
  private readonly stages: readonly Stage[];
  private readonly position: Int32Array;
  /** holders[s]: agents working stage s (in index order). */
  private readonly holders: number[][];
  private readonly queues: number[][];
  private readonly items: Item[];
  private readonly busy: boolean[];
  /** The agent a hand-off of each subtask is travelling to (-1: none). */
  private readonly inFlightTo: Int32Array;
  private readonly inFlightStage: Int32Array;
  private readonly inFlight: ({ from: MockLLM; tokens: number; kind: string } | null)[];
  private readonly left: Uint8Array;
  private readonly reviews: RandomStream[];

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly options: Options,
  ) {
    this.n = ctx.agents.length;
    this.graph = workGraphOf(ctx);
    this.stages = options.stages;
    const S = this.stages.length;
    const m = this.graph.size;
    this.position = new Int32Array(m);
    this.graph.order.forEach((k, pos) => {
      this.position[k] = pos;
    });
    this.holders = Array.from({ length: S }, () => []);
    if (this.n >= S) {
      for (let i = 0; i < this.n; i++) this.holders[i % S].push(i);
    } else {
      // Fewer agents than stages: each holds a run of consecutive stages.
      for (let s = 0; s < S; s++) this.holders[s].push(Math.floor((s * this.n) / S));
    }
    this.queues = Array.from({ length: S }, () => []);
    this.items = this.graph.subtasks.map((s) => ({
      index: s.index,
      planTokens: 0,
      reviewTokens: 0,
      correct: false,
      codeTokens: 0,
      seq: 0,
    }));
    this.busy = new Array(this.n).fill(false);
    this.inFlightTo = new Int32Array(m).fill(-1);
    this.inFlightStage = new Int32Array(m).fill(-1);
    this.inFlight = new Array(m).fill(null);
    this.left = new Uint8Array(m);
    this.reviews = ctx.agents.map((a) => ctx.rng.stream(`agent/${a.index}/review`));
  }

  start(): void {
    const { net, agents } = this.ctx;
    for (const agent of agents) {
      net.register(agent.id, (msg) => this.onHandOff(agent, msg));
      agent.onCrash((a) => this.onCrash(a));
    }
    for (const k of this.graph.order) {
      if (this.graph.subtasks[k].deps.length === 0) this.enqueue(0, k);
    }
    this.kick();
  }

  // --- queues and hand-offs -------------------------------------------------

  private enqueue(stage: number, k: number): void {
    const q = this.queues[stage];
    const pos = this.position[k];
    let at = q.length;
    while (at > 0 && this.position[q[at - 1]] > pos) at--;
    q.splice(at, 0, k);
  }

  /** Passes subtask k from agent `from` to stage `stage`: a message, unless the same agent holds it. */
  private handOff(from: MockLLM, stage: number, k: number, tokens: number, kind: string): void {
    const holders = this.holders[stage];
    if (holders.length === 0) return;
    const item = this.items[k];
    item.seq++;
    if (holders.includes(from.index)) {
      this.enqueue(stage, k);
      this.kick();
      return;
    }
    const to = holders[k % holders.length];
    this.inFlightTo[k] = to;
    this.inFlightStage[k] = stage;
    this.inFlight[k] = { from, tokens, kind };
    this.transmit(from, to, k, stage, tokens, kind, 0);
  }

  // Receipt is implicit (the sender sees its hand-off arrive in the stage's
  // shared queue); what has not arrived by the timeout is sent again.
  private transmit(
    from: MockLLM,
    to: number,
    k: number,
    stage: number,
    tokens: number,
    kind: string,
    resends: number,
  ): void {
    const { net, sim, agents } = this.ctx;
    const seq = this.items[k].seq;
    const payload: HandOff = { item: k, stage, seq };
    net.send(from.id, agents[to].id, kind, payload, tokens);
    if (resends >= MAX_RESENDS) return;
    sim.schedule(this.options.handoff_timeout_s, () => {
      if (this.items[k].seq !== seq || this.inFlightTo[k] !== to || !from.isAlive) return;
      this.transmit(from, to, k, stage, tokens, kind, resends + 1);
    });
  }

  private onHandOff(agent: MockLLM, msg: Message): void {
    const h = msg.payload as HandOff;
    // A duplicate, or a hand-off already re-sent elsewhere after a crash.
    if (h.seq !== this.items[h.item].seq || this.inFlightTo[h.item] !== agent.index) return;
    this.inFlightTo[h.item] = -1;
    this.inFlightStage[h.item] = -1;
    this.inFlight[h.item] = null;
    this.enqueue(h.stage, h.item);
    this.kick();
  }

  /** Sets every idle, live agent to work on the most advanced stage it holds that has work. */
  private kick(): void {
    const { agents } = this.ctx;
    for (const agent of agents) {
      const i = agent.index;
      if (this.busy[i] || !agent.isAlive) continue;
      for (let s = this.stages.length - 1; s >= 0; s--) {
        if (this.queues[s].length === 0 || !this.holders[s].includes(i)) continue;
        const k = this.queues[s].shift() as number;
        this.busy[i] = true;
        this.serve(agent, s, k);
        break;
      }
    }
  }

  // --- stage behaviours -----------------------------------------------------

  private serve(agent: MockLLM, s: number, k: number): void {
    switch (this.stages[s]) {
      case "planner":
        return this.plan(agent, s, k);
      case "coder":
        return this.code(agent, s, k);
      case "reviewer":
        return this.review(agent, s, k);
    }
  }

  // The agent's call failed because it crashed: the subtask goes back to its stage.
  private requeue(agent: MockLLM, s: number, k: number): void {
    this.busy[agent.index] = false;
    this.enqueue(s, k);
    this.kick();
  }

  private plan(agent: MockLLM, s: number, k: number): void {
    const subtask = this.graph.subtasks[k];
    agent.call(
      {
        inputTokens: subtask.promptTokens,
        outputTokens: this.options.plan_tokens,
        label: `plan ${subtask.name}`,
      },
      (r) => {
        if (r.error === "crashed") return this.requeue(agent, s, k);
        if (r.error === "retries_exhausted") return this.plan(agent, s, k);
        // A prompt that cannot fit gets no plan; the coder works from the subtask alone.
        this.items[k].planTokens += r.outputTokens;
        this.pass(agent, s, k, r.outputTokens);
      },
    );
  }

  private code(agent: MockLLM, s: number, k: number): void {
    const item = this.items[k];
    executeSubtask(
      this.ctx,
      agent,
      this.graph.subtasks[k],
      (o) => {
        if (!o.ok) {
          if (!agent.isAlive) return this.requeue(agent, s, k);
          // The prompt can never fit: the subtask is abandoned, undecided.
          this.busy[agent.index] = false;
          this.kick();
          return;
        }
        item.correct = o.correct;
        item.codeTokens = o.outputTokens;
        item.reviewTokens = 0;
        this.pass(agent, s, k, o.outputTokens);
      },
      { extraInputTokens: item.planTokens + item.reviewTokens },
    );
  }

  private review(agent: MockLLM, s: number, k: number): void {
    const item = this.items[k];
    const draws = this.reviews[agent.index];
    agent.call(
      {
        inputTokens: item.codeTokens,
        outputTokens: this.options.review_tokens,
        label: `review ${k}`,
      },
      (r) => {
        if (r.error === "crashed") return this.requeue(agent, s, k);
        if (r.error === "retries_exhausted") return this.review(agent, s, k);
        // One draw per review, caught or not, so later reviews see the same randomness.
        const caught = draws.next() < this.options.review_catch_probability;
        if (r.ok && !item.correct && caught) {
          this.ctx.counters.rework++;
          item.reviewTokens = r.outputTokens;
          this.busy[agent.index] = false;
          this.handOff(agent, this.coderBefore(s), k, r.outputTokens, "review");
          this.kick();
          return;
        }
        this.pass(agent, s, k, item.codeTokens);
      },
    );
  }

  private coderBefore(s: number): number {
    for (let t = s - 1; t >= 0; t--) if (this.stages[t] === "coder") return t;
    return this.stages.indexOf("coder");
  }

  /** Stage s is done with subtask k: on to the next stage, or out of the pipeline. */
  private pass(agent: MockLLM, s: number, k: number, tokens: number): void {
    this.busy[agent.index] = false;
    if (s + 1 < this.stages.length) {
      this.handOff(agent, s + 1, k, tokens, "handoff");
    } else {
      this.leave(agent, k);
    }
    this.kick();
  }

  private leave(agent: MockLLM, k: number): void {
    const { history, sim } = this.ctx;
    const answer = this.items[k].correct ? 0 : 1;
    history.propose(k, answer);
    history.decide(k, agent.id, answer, sim.now);
    this.left[k] = 1;
    for (const d of this.graph.dependents[k]) {
      if (this.graph.subtasks[d].deps.every((x) => this.left[x] === 1)) {
        this.handOff(agent, 0, d, RELEASE_TOKENS, "release");
      }
    }
  }

  // --- failures -------------------------------------------------------------

  private onCrash(agent: MockLLM): void {
    const { agents } = this.ctx;
    const i = agent.index;
    this.busy[i] = false;
    const orphaned: number[] = [];
    this.holders.forEach((h, s) => {
      const at = h.indexOf(i);
      if (at < 0) return;
      h.splice(at, 1);
      if (h.length === 0) orphaned.push(s);
    });
    // A stage nobody holds goes to the next live agent, so every stage keeps a worker.
    for (const s of orphaned) {
      for (let d = 1; d <= this.n; d++) {
        const j = (i + d) % this.n;
        if (agents[j].isAlive) {
          this.holders[s].push(j);
          break;
        }
      }
    }
    // Hand-offs on their way to the crashed agent are sent again to a live holder.
    for (let k = 0; k < this.items.length; k++) {
      if (this.inFlightTo[k] !== i) continue;
      const stage = this.inFlightStage[k];
      const sent = this.inFlight[k];
      this.inFlightTo[k] = -1;
      this.inFlightStage[k] = -1;
      this.inFlight[k] = null;
      if (sent === null) continue;
      if (sent.from.isAlive) {
        this.handOff(sent.from, stage, k, sent.tokens, sent.kind);
      } else if (this.holders[stage].length > 0) {
        // The sender is gone too; what it sent is taken as delivered to the stage.
        this.items[k].seq++;
        this.enqueue(stage, k);
      }
    }
    this.kick();
  }
}

/** `pipeline`: stages (planner, coder, reviewer) as agents; subtasks flow through them in topological order. */
export const pipeline: ProtocolModule<typeof schema> = {
  name: "pipeline",
  summary:
    "stages as agents (planner -> coder -> reviewer); subtasks flow through them, reviews send bad code back",
  schema,
  tasks: ["workgraph"],
  create: (ctx, options) => new Pipeline(ctx, options),
};
