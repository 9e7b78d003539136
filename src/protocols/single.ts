import { z } from "zod";
import type { Protocol, ProtocolContext, ProtocolModule } from "./Protocol.js";

const schema = z.strictObject({ protocol: z.literal("single") });

// agent-0 answers the items one after another; its answer is the team's.
class Single implements Protocol {
  constructor(private readonly ctx: ProtocolContext) {}

  start(): void {
    this.ask(0);
  }

  private ask(k: number): void {
    const { task, agents, history, sim } = this.ctx;
    const item = task.items[k];
    if (item === undefined) return;
    const agent = agents[0];
    agent.call(
      { inputTokens: item.promptTokens, pRef: item.pRef, choices: item.choices, label: k },
      (r) => {
        // A crashed agent decides nothing; one that gave up after retries
        // settles the item with no answer and goes on.
        if (r.error === "crashed") return;
        if (r.ok) history.propose(k, r.answer);
        history.decide(k, agent.id, r.ok ? r.answer : -1, sim.now);
        this.ask(k + 1);
      },
    );
  }
}

/** `single`: one agent does everything; the baseline every team is compared with. Extra agents idle. */
export const single: ProtocolModule<typeof schema> = {
  name: "single",
  summary: "one agent (agent-0) answers every item; the baseline",
  schema,
  create: (ctx) => new Single(ctx),
};
