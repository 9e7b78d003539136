import { z } from "zod";
import type { CallHandle, CallResult } from "../agents/MockLLM.js";
import type { LawFit } from "../analytic/LawFit.js";
import { work } from "../runtime/doSubtask.js";
import type { FailureDetector } from "../runtime/FailureDetector.js";
import type { Node } from "../runtime/Node.js";
import type { Process, ProcessBody } from "../runtime/Process.js";
import type { Protocol, Runtime } from "../runtime/Runtime.js";
import {
  CONFIDENCE_CLIP,
  ConfidenceSchema,
  reportedConfidence,
} from "../runtime/reportedConfidence.js";
import { VoteCollector } from "../runtime/VoteCollector.js";
import type { ProtocolModule } from "./Protocol.js";

const schema = z.strictObject({
  protocol: z.literal("independent"),
  aggregate: z.enum(["majority", "plurality", "weighted"]).default("majority").meta({
    description:
      "majority: more than half of the votes received, else no answer; plurality: the most votes; weighted: the largest sum of log(c/(1-c)) over voters' confidences c (both break ties uniformly at random)",
  }),
  confidence: ConfidenceSchema.meta({
    description: "how agents report confidence (used by aggregate: weighted)",
  }),
  early_stop: z.boolean().default(false).meta({
    description:
      "decide an item once the outstanding votes cannot change it, cancel its calls in flight, let agents skip it",
  }),
  quorum: z.number().int().min(1).optional().meta({
    description: "decide an item once this many votes are in, cancelling the calls still running",
  }),
  hedge_after_s: z.number().positive().optional().meta({
    description:
      "hedged requests (Dean & Barroso 2013): resend a call unanswered this long, take the first reply",
  }),
});

type Options = z.output<typeof schema>;

/** Node name of the vote collector (not an LLM: it only counts). */
export const COORDINATOR = "coordinator";

/** Size in tokens of a control message ("stop item k", "done", "resend", "rejoin"). */
const CONTROL_TOKENS = 8;

// Reported confidences are clipped so that a vote's weight is bounded (|w| <= MAX_WEIGHT):
// early stopping needs a bound on what the outstanding votes can still add.
const MAX_WEIGHT = Math.log((1 - CONFIDENCE_CLIP) / CONFIDENCE_CLIP);
// How long a recovered voter waits for the coordinator's list of open items before asking again.
const REJOIN_TIMEOUT_S = 10;

interface Vote {
  item: number;
  /** The answer, or -1 for "I could not answer" (the call failed). */
  answer: number;
  /** The reported confidence in (0, 1) (weighted aggregation only; else 0.5). */
  confidence: number;
}

type Msgs = {
  vote: Vote;
  /** The coordinator settled the item: skip it, abandon a call on it. */
  stop: { item: number };
  /** The coordinator is missing these votes (a timeout detector's re-request). */
  resend: { items: number[] };
  /** A recovered voter asks which items are still open for it... */
  rejoin: null;
  /** ...and the coordinator answers. */
  open: { items: number[] };
  /** Work-graph race: the winner tells the others to stop. */
  done: null;
};

// A voter's volatile state, lost in a crash: the items to skip (settled, or not
// open when it rejoined), the votes it sent (to send again when asked), the call in flight.
const voterState = (items: number) => ({
  skip: new Uint8Array(items),
  sent: [] as Vote[],
  current: null as { item: number; abandon: () => boolean } | null,
});

// n agents answer every item independently and send their votes to a
// coordinator, which decides an item once every agent it does not suspect has
// voted, or a quorum is in, or (early stopping) the votes still outstanding
// cannot change the outcome. With a perfect failure detector (the default) a
// lost vote leaves its item open forever; with a timeout detector the
// coordinator asks for missing votes again every `timeout_s`. A recovered voter
// rejoins: it asks the coordinator which items are still open and answers those.
class Independent implements Protocol {
  private readonly voters: readonly Node<Msgs>[];
  private readonly coordinator: Node<Msgs>;
  private readonly ballots: VoteCollector;
  private readonly detector: FailureDetector;
  private readonly state: ReturnType<typeof voterState>[];
  // Early stopping and quorums both tell agents to drop settled items.
  private readonly stops: boolean;
  // What tryDecide needs of "voters not yet heard from and not suspected",
  // kept up to date instead of counted over all n voters on every vote (which
  // made a vote of 100,000 agents quadratic): the voters not suspected, and per
  // item those of them that voted. `suspected` mirrors the detector's verdicts
  // as its onChange reports them.
  private live: number;
  private readonly votedLive: Int32Array;
  private readonly suspected: Uint8Array;

  constructor(
    private readonly rt: Runtime,
    private readonly options: Options,
  ) {
    this.voters = rt.nodes<Msgs>();
    this.coordinator = rt.node<Msgs>(COORDINATOR);
    const items = rt.questions.items;
    this.ballots = new VoteCollector(
      this.voters.length,
      items.map((i) => i.choices),
      options.aggregate,
      rt.stream("protocol/tiebreak"),
    );
    this.detector = rt.detector(this.coordinator);
    this.stops = options.early_stop || options.quorum !== undefined;
    this.state = this.voters.map(() => voterState(items.length));
    this.suspected = Uint8Array.from(this.voters, (v) => (this.detector.suspects(v) ? 1 : 0));
    this.live = this.voters.length - this.suspected.reduce((a, b) => a + b, 0);
    this.votedLive = new Int32Array(items.length);
  }

  start(): void {
    const { coordinator, ballots, detector } = this;
    coordinator.on("vote", (v, from) => {
      if (ballots.add(v.item, from.index, v.answer, Math.log(v.confidence / (1 - v.confidence)))) {
        if (this.suspected[from.index] === 0) this.votedLive[v.item]++;
        this.tryDecide(v.item);
      }
    });
    coordinator.on("rejoin", (_, from, rpc) => {
      coordinator.reply(from, rpc, "open", { items: this.missing(from) }, CONTROL_TOKENS);
    });
    detector.onChange((node, suspected) => {
      const i = node.index;
      if (this.voters[i] === node && this.suspected[i] !== (suspected ? 1 : 0)) {
        this.suspected[i] = suspected ? 1 : 0;
        const d = suspected ? -1 : 1;
        this.live += d;
        for (let k = 0; k < ballots.items; k++) if (ballots.hasVoted(k, i)) this.votedLive[k] += d;
      }
      if (suspected) for (let k = 0; k < ballots.items; k++) this.tryDecide(k);
    });
    const fd = this.rt.failureDetector;
    if (detector.fallible && fd !== "perfect") {
      const timer = coordinator.every(fd.timeout_s, () => {
        if (ballots.done) timer.cancel();
        for (const v of this.voters) {
          const items = this.missing(v);
          if (items.length > 0 && !detector.suspects(v))
            coordinator.send(v, "resend", { items }, CONTROL_TOKENS);
        }
      });
    }
    for (const voter of this.voters) {
      const st = this.state[voter.index];
      voter.on("stop", ({ item }) => {
        st.skip[item] = 1;
        const cur = st.current;
        if (cur !== null && cur.item === item && cur.abandon()) this.ask(voter, item + 1);
      });
      voter.on("resend", ({ items }) => {
        for (const k of items) {
          const v = st.sent[k];
          if (v !== undefined) voter.send(coordinator, "vote", v, CONTROL_TOKENS);
        }
      });
      this.ask(voter, 0);
    }
  }

  recover(node: Node): void {
    const voter = this.voters[node.index];
    if (voter !== node) return;
    this.state[voter.index] = voterState(this.ballots.items);
    this.rejoin(voter);
  }

  private rejoin(voter: Node<Msgs>): void {
    voter.rpc(
      this.coordinator,
      "rejoin",
      null,
      CONTROL_TOKENS,
      REJOIN_TIMEOUT_S,
      "open",
      (open) => {
        if (open === null) return this.rejoin(voter);
        const st = this.state[voter.index];
        st.skip.fill(1);
        for (const k of open.items) st.skip[k] = 0;
        this.ask(voter, 0);
      },
    );
  }

  // Open items `voter` has not voted on.
  private missing(voter: Node): number[] {
    const out: number[] = [];
    for (let k = 0; k < this.ballots.items; k++)
      if (!this.ballots.isDecided(k) && !this.ballots.hasVoted(k, voter.index)) out.push(k);
    return out;
  }

  private ask(voter: Node<Msgs>, first: number): void {
    const items = this.rt.questions.items;
    const st = this.state[voter.index];
    let k = first;
    // An item the coordinator has already settled is not worth a call.
    while (k < items.length && st.skip[k]) k++;
    const item = items[k];
    if (item === undefined) return;
    const request = {
      inputTokens: item.promptTokens,
      pRef: item.pRef,
      choices: item.choices,
      label: k,
    };
    // With hedging two calls may be in flight for the item: the first reply wins
    // and the other is cancelled; `abandon` drops both (the item was settled).
    let replied = false;
    const handles: CallHandle[] = [];
    // Settles the item for this agent; true if it was the first to do so.
    const finish = (): boolean => {
      if (replied) return false;
      replied = true;
      st.current = null;
      for (const h of handles) h.cancel();
      return true;
    };
    const onReply = (r: CallResult) => {
      if (!finish()) return;
      if (r.ok) this.rt.history.propose(k, r.answer);
      const confidence =
        r.ok && this.options.aggregate === "weighted" ? this.confidence(voter, r.correct) : 0.5;
      const vote: Vote = { item: k, answer: r.ok ? r.answer : -1, confidence };
      st.sent[k] = vote;
      // A vote is as large as the answer that carries it.
      voter.send(this.coordinator, "vote", vote, r.outputTokens);
      this.ask(voter, k + 1);
    };
    handles.push(voter.call(request, onReply));
    const hedge = this.options.hedge_after_s;
    if (hedge !== undefined) {
      voter.after(hedge, () => {
        if (replied) return;
        handles.push(voter.call(request, onReply));
      });
    }
    st.current = {
      item: k,
      abandon: () => {
        const running = !replied;
        finish();
        return running;
      },
    };
  }

  // The agent's reported confidence (runtime/reportedConfidence).
  private confidence(voter: Node, correct: boolean): number {
    return reportedConfidence(this.rt, voter, this.options.confidence, correct);
  }

  private tryDecide(k: number): void {
    const { ballots, detector } = this;
    if (ballots.isDecided(k)) return;
    const outstanding = this.live - this.votedLive[k];
    const votes = ballots.responses(k);
    if (outstanding > 0) {
      const quorate = this.options.quorum !== undefined && votes >= this.options.quorum;
      if (!quorate && (!this.options.early_stop || !ballots.settled(k, outstanding, MAX_WEIGHT)))
        return;
    } else if (votes === 0) {
      // Nobody left to vote and nobody voted: the item stays open.
      return;
    }
    const tally = this.rt.trace.enabled ? ballots.tally(k) : undefined;
    this.rt.decide(this.coordinator, k, ballots.decide(k), { tally });
    if (outstanding > 0) {
      for (const v of this.voters)
        if (!ballots.hasVoted(k, v.index) && !detector.suspects(v))
          this.coordinator.send(v, "stop", { item: k }, CONTROL_TOKENS);
    }
    if (ballots.done) detector.stop();
  }
}

// Hedged requests on a work graph: every agent does the whole graph alone, the
// first to finish wins and the team takes its results; it tells the others to
// stop, and they abandon the call they have in flight. A recovered agent starts
// the graph again (its partial results were volatile), unless the race is over.
function hedging(rt: Runtime): Protocol {
  const nodes = rt.nodes<Msgs>();
  const racers: (Process | null)[] = nodes.map(() => null);
  // First writer wins: the commit of the team's result is atomic, so a second
  // finisher (before the winner's "done" reaches it) commits nothing.
  let committed = false;
  function* race(node: Node<Msgs>): ProcessBody {
    const graph = rt.workGraph;
    const results = new Int8Array(graph.size);
    for (const index of graph.order) {
      const o = yield* work(rt, node, graph.subtasks[index]);
      if (!o.ok) return;
      results[index] = o.correct ? 0 : 1;
    }
    if (committed) return;
    committed = true;
    results.forEach((answer, index) => {
      rt.history.propose(index, answer);
      rt.history.decide(index, node.name, answer, rt.now);
    });
    node.broadcast("done", null, CONTROL_TOKENS);
  }
  const run = (node: Node<Msgs>) => {
    if (!committed) racers[node.index] = node.spawn(race(node));
  };
  return {
    start: () => {
      for (const node of nodes) node.on("done", () => racers[node.index]?.kill());
      nodes.forEach(run);
    },
    recover: (node) => run(nodes[node.index]),
  };
}

// The voting laws count a strict majority (ties lose) of all n votes.
const majorityOfAll: LawFit<Options> = (team, { law, unfit }) => {
  if (team.aggregate !== "majority") {
    const why = "a strict majority of the n votes; ties lose";
    unfit("aggregate", `majority for law ${law} (${why})`, team.aggregate);
  }
  if (team.quorum !== undefined) {
    unfit("quorum", `no quorum for law ${law} (it counts all n votes)`, String(team.quorum));
  }
  return {};
};

// vote-mixed counts all n votes too, by majority (ties lose) or plurality (ties
// broken at random, as the coordinator does); a confidence weight it cannot see.
const panelVote: LawFit<Options> = (team, { law, unfit }) => {
  if (team.aggregate === "weighted") {
    unfit(
      "aggregate",
      `majority or plurality for law ${law} (it counts votes, not confidences)`,
      "weighted",
    );
  }
  if (team.quorum !== undefined) {
    unfit("quorum", `no quorum for law ${law} (it counts all n votes)`, String(team.quorum));
  }
  return { params: { rule: team.aggregate } };
};

// The cost and token laws count one call per agent and item, none cancelled or duplicated.
const oneCallEach: LawFit<Options> = (team, { law, unfit }) => {
  if (team.early_stop || team.quorum !== undefined || team.hedge_after_s !== undefined) {
    const expected = `independent without early_stop, quorum or hedge_after_s for law ${law} (every agent answers every item once)`;
    unfit("", expected, "calls cancelled or duplicated");
  }
  return { notes: ["independent: one call per agent per item, no rounds"] };
};

/** `independent`: n agents answer independently (votes by majority, plurality or weight), or race on a work graph. */
export const independent: ProtocolModule<typeof schema> = {
  name: "independent",
  summary:
    "n agents answer independently; votes aggregated by majority, plurality or confidence weight; on work graphs, a hedged race",
  schema,
  tasks: ["questions", "workgraph"],
  extraNodes: [COORDINATOR],
  example: "scenarios/independent.yaml",
  law: {
    fits: {
      vote: majorityOfAll,
      "vote-beta": majorityOfAll,
      "vote-mixture": majorityOfAll,
      "vote-mixed": panelVote,
      "independent-cost": oneCallEach,
      tokens: oneCallEach,
      messages:
        "n votes per item flow one way to a coordinator that is not an agent; the law's star counts a request and a reply per edge",
    },
  },
  roles: (_o, n) => Array.from({ length: n }, () => "voter"),
  // Every member calls (twice with a hedge) and votes; the coordinator rescans
  // the votes on every vote (n² steps, each about 1/100 of an event, measured
  // at n = 1000).
  workPerItem: (o, n) => ({
    calls: o.hedge_after_s === undefined ? n : 2 * n,
    messages: 2 * n,
    steps: (n * n) / 100,
  }),
  create: (rt, options) =>
    rt.task.kind === "questions" ? new Independent(rt, options) : hedging(rt),
};
