import { z } from "zod";
import type { MockLLM } from "../agents/MockLLM.js";
import type { RandomStream } from "../core/Rng.js";
import type { Message } from "../net/Network.js";
import type { Protocol, ProtocolContext, ProtocolModule } from "./Protocol.js";
import { questionsOf } from "./taskOf.js";

const schema = z.strictObject({
  protocol: z.literal("independent"),
  /**
   * majority: the answer with more than half of the votes received, else no answer;
   * plurality: the most voted answer, ties broken uniformly at random.
   */
  aggregate: z.enum(["majority", "plurality"]).default("majority"),
});

type Options = z.output<typeof schema>;

/** Node name of the vote collector (not an LLM: it only counts). */
export const COORDINATOR = "coordinator";

interface VotePayload {
  item: number;
  /** The answer, or -1 for "I could not answer" (the call failed). */
  answer: number;
}

// n agents answer every item independently and send their votes to a
// coordinator, which decides an item once every agent has voted or is known to
// have crashed (perfect failure detection: the simulator tells it).
class Independent implements Protocol {
  private readonly n: number;
  private readonly responded: Uint8Array[] = [];
  private readonly tallies: number[][] = [];
  private readonly decided: boolean[] = [];
  private readonly dead: boolean[];
  private readonly tiebreak: RandomStream;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly options: Options,
  ) {
    this.n = ctx.agents.length;
    this.dead = new Array(this.n).fill(false);
    this.tiebreak = ctx.rng.stream("protocol/tiebreak");
    for (const item of questionsOf(ctx).items) {
      this.responded.push(new Uint8Array(this.n));
      this.tallies.push(new Array(item.choices).fill(0));
      this.decided.push(false);
    }
  }

  start(): void {
    const { net, agents } = this.ctx;
    net.register(COORDINATOR, (msg) => this.onVote(msg));
    for (const agent of agents) {
      agent.onCrash((a) => this.onCrash(a));
      this.ask(agent, 0);
    }
  }

  private ask(agent: MockLLM, k: number): void {
    const { net, history } = this.ctx;
    const item = questionsOf(this.ctx).items[k];
    if (item === undefined) return;
    agent.call(
      { inputTokens: item.promptTokens, pRef: item.pRef, choices: item.choices, label: k },
      (r) => {
        if (r.error === "crashed") return;
        if (r.ok) history.propose(k, r.answer);
        const payload: VotePayload = { item: k, answer: r.ok ? r.answer : -1 };
        // A vote is as large as the answer that carries it.
        net.send(agent.id, COORDINATOR, "vote", payload, r.outputTokens);
        this.ask(agent, k + 1);
      },
    );
  }

  private onVote(msg: Message): void {
    const { item, answer } = msg.payload as VotePayload;
    const from = Number(msg.from.slice("agent-".length));
    if (this.decided[item] || this.responded[item][from]) return;
    this.responded[item][from] = 1;
    if (answer >= 0) this.tallies[item][answer]++;
    this.tryDecide(item);
  }

  private onCrash(agent: MockLLM): void {
    this.dead[agent.index] = true;
    for (let k = 0; k < this.decided.length; k++) if (!this.decided[k]) this.tryDecide(k);
  }

  private tryDecide(k: number): void {
    const responded = this.responded[k];
    let any = false;
    for (let i = 0; i < this.n; i++) {
      if (responded[i]) any = true;
      else if (!this.dead[i]) return;
    }
    // Nobody left to vote and nobody voted: the item stays undecided.
    if (!any) return;
    this.decided[k] = true;
    const answer =
      this.options.aggregate === "majority"
        ? majority(this.tallies[k])
        : this.plurality(this.tallies[k]);
    this.ctx.history.decide(k, COORDINATOR, answer, this.ctx.sim.now);
    if (this.ctx.trace.enabled) {
      this.ctx.trace.record({
        t: this.ctx.sim.now,
        type: "decide",
        node: COORDINATOR,
        item: k,
        answer,
        tally: [...this.tallies[k]],
      });
    }
  }

  private plurality(tally: readonly number[]): number {
    let best = 0;
    for (const c of tally) if (c > best) best = c;
    if (best === 0) return -1;
    const tied: number[] = [];
    tally.forEach((c, a) => {
      if (c === best) tied.push(a);
    });
    // Always draw, so the stream advances the same way whether or not there is a tie.
    const pick = this.tiebreak.int(tied.length);
    return tied[pick];
  }
}

/** The answer with more than half of the votes cast, or -1 if there is none. */
export function majority(tally: readonly number[]): number {
  let votes = 0;
  for (const c of tally) votes += c;
  for (let a = 0; a < tally.length; a++) if (2 * tally[a] > votes) return a;
  return -1;
}

/** `independent`: n agents answer independently; a coordinator aggregates by majority or plurality. */
export const independent: ProtocolModule<typeof schema> = {
  name: "independent",
  summary: "n agents answer independently; votes are aggregated by majority or plurality",
  schema,
  tasks: ["questions"],
  create: (ctx, options) => new Independent(ctx, options),
};
