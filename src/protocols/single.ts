import { z } from "zod";
import { executeSubtask } from "./executeSubtask.js";
import type { Protocol, ProtocolContext, ProtocolModule } from "./Protocol.js";
import { questionsOf, workGraphOf } from "./taskOf.js";

const schema = z.strictObject({ protocol: z.literal("single") });

// agent-0 answers the items one after another; its answer is the team's.
class SingleQuestions implements Protocol {
  constructor(private readonly ctx: ProtocolContext) {}

  start(): void {
    this.ask(0);
  }

  private ask(k: number): void {
    const { agents, history, sim } = this.ctx;
    const item = questionsOf(this.ctx).items[k];
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

// agent-0 does every subtask itself, in topological order, redoing what its tests catch.
class SingleWorkGraph implements Protocol {
  constructor(private readonly ctx: ProtocolContext) {}

  start(): void {
    this.work(0);
  }

  private work(position: number): void {
    const graph = workGraphOf(this.ctx);
    const index = graph.order[position];
    if (index === undefined) return;
    const agent = this.ctx.agents[0];
    executeSubtask(this.ctx, agent, graph.subtasks[index], (o) => {
      if (!o.ok) return;
      const answer = o.correct ? 0 : 1;
      this.ctx.history.propose(index, answer);
      this.ctx.history.decide(index, agent.id, answer, this.ctx.sim.now);
      this.work(position + 1);
    });
  }
}

/** `single`: one agent does everything; the baseline every team is compared with. Extra agents idle. */
export const single: ProtocolModule<typeof schema> = {
  name: "single",
  summary: "one agent (agent-0) answers every item or does every subtask; the baseline",
  schema,
  tasks: ["questions", "workgraph"],
  create: (ctx) =>
    ctx.task.kind === "questions" ? new SingleQuestions(ctx) : new SingleWorkGraph(ctx),
};
