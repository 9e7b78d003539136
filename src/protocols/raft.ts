import { z } from "zod";
import type { CallHandle, CallResult, MockLLM } from "../agents/MockLLM.js";
import type { RandomStream } from "../core/Rng.js";
import type { SimEvent } from "../core/Simulation.js";
import type { Message } from "../net/Network.js";
import type { Protocol, ProtocolContext, ProtocolModule } from "./Protocol.js";
import { questionsOf } from "./taskOf.js";

const schema = z.strictObject({
  protocol: z.literal("raft"),
  /**
   * A follower (or candidate) that hears from no leader for a time drawn uniformly
   * from [min, max] seconds starts an election; the spread breaks split votes.
   */
  election_timeout_s: z
    .strictObject({
      min: z.number().positive().default(1.5),
      max: z.number().positive().default(3),
    })
    .refine((o) => o.min <= o.max, { message: "min <= max", path: ["max"] })
    .prefault({}),
  /** The leader sends AppendEntries (empty: a heartbeat) to every follower this often. */
  heartbeat_s: z.number().positive().default(0.5),
  /**
   * Index of the node whose first election timeout is half the minimum, so that
   * it leads term 1 (a bootstrapped cluster; fault plans can then target the
   * leader by name); null: every first timeout is random. Ignored if >= team size.
   */
  first_leader: z.number().int().min(0).nullable().default(0),
  /**
   * Entries of the current term the leader may hold uncommitted before it asks
   * its model for the next item: 1 answers items strictly one after another.
   */
  max_uncommitted: z.number().int().min(1).default(1),
  /** Most entries one AppendEntries carries (log repair of a lagging follower is batched). */
  max_batch: z.number().int().min(1).default(64),
});

type Options = z.output<typeof schema>;

/** Size in tokens of an empty AppendEntries (a heartbeat) or a RequestVote. */
const HEADER_TOKENS = 10;
/** Size in tokens of a reply (AppendEntries or vote). */
const REPLY_TOKENS = 8;

/** An entry of a Raft log: the answer to `item` decided in `term` (item -1: a leader's no-op). */
interface Entry {
  readonly term: number;
  readonly item: number;
  readonly answer: number;
  /** Size of the answer it carries (the output tokens of the call that produced it). */
  readonly tokens: number;
}

interface RequestVote {
  term: number;
  lastLogIndex: number;
  lastLogTerm: number;
}

interface VoteReply {
  term: number;
  granted: boolean;
}

interface AppendEntries {
  term: number;
  seq: number;
  prevLogIndex: number;
  prevLogTerm: number;
  entries: readonly Entry[];
  leaderCommit: number;
}

interface AppendReply {
  term: number;
  /** The seq of the request answered. */
  seq: number;
  success: boolean;
  /** The prevLogIndex of the request answered (stale replies are recognised by it). */
  prevLogIndex: number;
  /** On success: the last index known to match the leader's log. */
  match: number;
  /** On failure: where the leader should try next (<= prevLogIndex). */
  hint: number;
}

type Role = "follower" | "candidate" | "leader";

// One Raft server. `term`, `votedFor` and `log` are persistent (they survive a
// crash); so are commitIndex and lastApplied, as if the state machine were
// snapshotted with every apply, so a recovered node does not decide twice.
class Node {
  term = 0;
  votedFor = -1;
  readonly log: Entry[] = [];
  commitIndex = 0;
  lastApplied = 0;
  appliedItems = 0;
  role: Role = "follower";
  down = false;
  votes: Uint8Array;
  voteCount = 0;
  readonly nextIndex: number[];
  readonly matchIndex: number[];
  /** An AppendEntries carrying entries to this follower is unanswered: send heartbeats only. */
  readonly awaiting: boolean[];
  /** Sequence number of the last AppendEntries with entries sent to each follower. */
  readonly entriesSeq: number[];
  /** Numbers this leader's AppendEntries, so replies to older ones are told apart. */
  seq = 0;
  electionTimer: SimEvent | null = null;
  heartbeatTimer: SimEvent | null = null;
  call: CallHandle | null = null;
  readonly timeouts: RandomStream;

  constructor(
    readonly agent: MockLLM,
    n: number,
    timeouts: RandomStream,
  ) {
    this.votes = new Uint8Array(n);
    this.nextIndex = new Array(n).fill(1);
    this.matchIndex = new Array(n).fill(0);
    this.awaiting = new Array(n).fill(false);
    this.entriesSeq = new Array(n).fill(0);
    this.timeouts = timeouts;
  }

  get id(): string {
    return this.agent.id;
  }

  get lastIndex(): number {
    return this.log.length;
  }

  termAt(index: number): number {
    return index === 0 ? 0 : this.log[index - 1].term;
  }

  /** The item after the last one in the log (items enter the log in order). */
  nextItem(): number {
    for (let i = this.log.length - 1; i >= 0; i--) {
      if (this.log[i].item >= 0) return this.log[i].item + 1;
    }
    return 0;
  }
}

// Raft (Ongaro & Ousterhout 2014) over the team: agent-0..n-1 are the servers.
// The leader asks its own model for each item's answer in turn, appends
// (term, item, answer) to its log and replicates it; an entry is committed once
// a majority stores it (counting only entries of the leader's term, §5.4.2) and
// every node applies committed entries in order, deciding their items.
class Raft implements Protocol {
  private readonly n: number;
  private readonly nodes: Node[] = [];
  private readonly items: number;
  private finished = false;
  // Answers dropped from some log: counted once each as rework, however many logs held them.
  private readonly discarded = new Set<Entry>();

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly options: Options,
  ) {
    this.n = ctx.agents.length;
    this.items = questionsOf(ctx).size;
    for (const agent of ctx.agents) {
      this.nodes.push(new Node(agent, this.n, ctx.rng.stream(`agent/${agent.index}/raft-timeout`)));
    }
  }

  start(): void {
    const { net } = this.ctx;
    for (const node of this.nodes) {
      net.register(node.id, (msg) => this.receive(node, msg));
      node.agent.onCrash(() => this.onCrash(node));
      if (!node.agent.isAlive) {
        node.down = true;
        continue;
      }
      const first = node.agent.index === this.options.first_leader;
      this.resetElectionTimer(node, first ? this.options.election_timeout_s.min / 2 : undefined);
    }
  }

  // ---- timers -------------------------------------------------------------

  private resetElectionTimer(node: Node, override?: number): void {
    if (node.electionTimer !== null) this.ctx.sim.cancel(node.electionTimer);
    node.electionTimer = null;
    if (this.finished || node.down) return;
    const { min, max } = this.options.election_timeout_s;
    // One draw per reset, whether or not it is overridden.
    const drawn = node.timeouts.uniform(min, max);
    node.electionTimer = this.ctx.sim.schedule(override ?? drawn, () => {
      node.electionTimer = null;
      this.startElection(node);
    });
  }

  private scheduleHeartbeat(node: Node): void {
    if (this.finished || node.down || node.role !== "leader") return;
    node.heartbeatTimer = this.ctx.sim.schedule(this.options.heartbeat_s, () => {
      node.heartbeatTimer = null;
      if (node.role !== "leader" || node.down) return;
      this.broadcastAppend(node);
      this.scheduleHeartbeat(node);
    });
  }

  private stopTimers(node: Node): void {
    if (node.electionTimer !== null) this.ctx.sim.cancel(node.electionTimer);
    if (node.heartbeatTimer !== null) this.ctx.sim.cancel(node.heartbeatTimer);
    node.electionTimer = null;
    node.heartbeatTimer = null;
  }

  // ---- roles --------------------------------------------------------------

  private startElection(node: Node): void {
    if (this.finished || node.down || node.role === "leader") return;
    node.term++;
    node.role = "candidate";
    node.votedFor = node.agent.index;
    node.votes.fill(0);
    node.votes[node.agent.index] = 1;
    node.voteCount = 1;
    this.record("raft_candidate", { node: node.id, term: node.term });
    const payload: RequestVote = {
      term: node.term,
      lastLogIndex: node.lastIndex,
      lastLogTerm: node.termAt(node.lastIndex),
    };
    for (const peer of this.nodes) {
      if (peer !== node)
        this.ctx.net.send(node.id, peer.id, "request_vote", payload, HEADER_TOKENS);
    }
    this.resetElectionTimer(node);
    if (2 * node.voteCount > this.n) this.becomeLeader(node);
  }

  private becomeLeader(node: Node): void {
    node.role = "leader";
    if (node.electionTimer !== null) this.ctx.sim.cancel(node.electionTimer);
    node.electionTimer = null;
    this.ctx.history.elect(node.term, node.id, this.ctx.sim.now);
    this.record("raft_leader", { node: node.id, term: node.term });
    node.nextIndex.fill(node.lastIndex + 1);
    node.matchIndex.fill(0);
    node.awaiting.fill(false);
    node.entriesSeq.fill(0);
    // A no-op of the new term: committing it commits every earlier entry (§8),
    // even when no item is left to append.
    this.append(node, { term: node.term, item: -1, answer: -1, tokens: 0 });
    this.broadcastAppend(node);
    this.scheduleHeartbeat(node);
    this.advanceCommit(node);
    this.propose(node);
  }

  /**
   * Adopts `term` if it is newer and becomes (or stays) a follower; the election
   * timer restarts when a leader was heard (`heard`) or the node led (it had none).
   */
  private stepDown(node: Node, term: number, heard = false): void {
    if (term > node.term) {
      node.term = term;
      node.votedFor = -1;
    }
    const wasLeader = node.role === "leader";
    if (wasLeader) {
      this.record("raft_step_down", { node: node.id, term: node.term });
      if (node.heartbeatTimer !== null) this.ctx.sim.cancel(node.heartbeatTimer);
      node.heartbeatTimer = null;
      // The answer it was waiting for can no longer enter its log as leader.
      if (node.call !== null) node.call.cancel();
      node.call = null;
    }
    node.role = "follower";
    if (heard || wasLeader) this.resetElectionTimer(node);
  }

  private onCrash(node: Node): void {
    node.down = true;
    node.role = "follower";
    node.call = null;
    this.stopTimers(node);
    this.checkDone();
  }

  // ---- the leader's work --------------------------------------------------

  // Asks the leader's model for the next item's answer if the log has room for it.
  private propose(node: Node): void {
    if (this.finished || node.down || node.role !== "leader" || node.call !== null) return;
    const k = node.nextItem();
    if (k >= this.items) return;
    let pending = 0;
    for (let i = node.commitIndex; i < node.lastIndex; i++) {
      const e = node.log[i];
      if (e.term === node.term && e.item >= 0) pending++;
    }
    if (pending >= this.options.max_uncommitted) return;
    const item = questionsOf(this.ctx).items[k];
    const term = node.term;
    this.ctx.history.open(k, this.ctx.sim.now);
    node.call = node.agent.call(
      { inputTokens: item.promptTokens, pRef: item.pRef, choices: item.choices, label: k },
      (r) => this.onAnswer(node, term, k, r),
    );
  }

  private onAnswer(node: Node, term: number, k: number, r: CallResult): void {
    if (r.error === "crashed") return;
    node.call = null;
    if (r.ok) this.ctx.history.propose(k, r.answer);
    if (node.role !== "leader" || node.term !== term || node.nextItem() !== k) {
      if (r.ok) this.ctx.counters.rework++;
      return;
    }
    // A call that gave up after its retries settles the item with no answer (-1), as `single` does.
    this.append(node, { term, item: k, answer: r.ok ? r.answer : -1, tokens: r.outputTokens });
    this.broadcastAppend(node);
    this.advanceCommit(node);
    this.propose(node);
  }

  private append(node: Node, entry: Entry): void {
    node.log.push(entry);
    this.record("raft_append", {
      node: node.id,
      index: node.lastIndex,
      term: entry.term,
      item: entry.item,
    });
  }

  private broadcastAppend(leader: Node): void {
    for (const peer of this.nodes) if (peer !== leader) this.sendAppend(leader, peer.agent.index);
  }

  private sendAppend(leader: Node, f: number): void {
    const prev = leader.nextIndex[f] - 1;
    const seq = ++leader.seq;
    let entries: readonly Entry[] = [];
    // While entries are unanswered (lost, or the follower is down) only heartbeats go.
    if (!leader.awaiting[f] && prev < leader.lastIndex) {
      entries = leader.log.slice(prev, prev + this.options.max_batch);
      leader.awaiting[f] = true;
      leader.entriesSeq[f] = seq;
    }
    let tokens = HEADER_TOKENS;
    for (const e of entries) tokens += e.tokens;
    const payload: AppendEntries = {
      term: leader.term,
      seq,
      prevLogIndex: prev,
      prevLogTerm: leader.termAt(prev),
      entries,
      leaderCommit: leader.commitIndex,
    };
    const kind = entries.length > 0 ? "append_entries" : "heartbeat";
    this.ctx.net.send(leader.id, this.nodes[f].id, kind, payload, tokens);
  }

  // Commits the highest entry of the current term that a majority stores (§5.4.2).
  private advanceCommit(leader: Node): void {
    const self = leader.agent.index;
    for (let index = leader.lastIndex; index > leader.commitIndex; index--) {
      if (leader.termAt(index) !== leader.term) break;
      let count = 1;
      for (let f = 0; f < this.n; f++) if (f !== self && leader.matchIndex[f] >= index) count++;
      if (2 * count > this.n) {
        leader.commitIndex = index;
        this.apply(leader);
        this.propose(leader);
        return;
      }
    }
  }

  private apply(node: Node): void {
    const { history, sim } = this.ctx;
    while (node.lastApplied < node.commitIndex) {
      node.lastApplied++;
      const e = node.log[node.lastApplied - 1];
      const value = e.item < 0 ? "noop" : `${e.item}:${e.answer}`;
      history.commit(node.id, node.lastApplied, e.term, value, sim.now);
      this.record("raft_apply", { node: node.id, index: node.lastApplied, term: e.term, value });
      if (e.item >= 0) {
        history.decide(e.item, node.id, e.answer, sim.now);
        node.appliedItems++;
      }
    }
    this.checkDone();
  }

  // Every live node has applied every item: stop all timers so the run ends at
  // quiescence. This reads the simulator's view of who is alive: it is when the
  // experiment stops watching, not a step of the protocol.
  private checkDone(): void {
    if (this.finished) return;
    for (const node of this.nodes) {
      if (node.agent.isAlive && node.appliedItems < this.items) return;
    }
    this.finished = true;
    for (const node of this.nodes) this.stopTimers(node);
  }

  // ---- messages -----------------------------------------------------------

  private receive(node: Node, msg: Message): void {
    if (!node.agent.isAlive) return;
    if (node.down) {
      // Back from a crash: a follower again, with its persistent state.
      node.down = false;
      node.role = "follower";
      this.record("raft_rejoin", { node: node.id, term: node.term });
      this.resetElectionTimer(node);
    }
    const from = this.nodeOf(msg.from);
    switch (msg.kind) {
      case "request_vote":
        this.onRequestVote(node, from, msg.payload as RequestVote);
        break;
      case "vote":
        this.onVote(node, from, msg.payload as VoteReply);
        break;
      case "heartbeat":
      case "append_entries":
        this.onAppend(node, from, msg.payload as AppendEntries);
        break;
      case "append_reply":
        this.onAppendReply(node, from, msg.payload as AppendReply);
        break;
    }
  }

  private nodeOf(id: string): Node {
    return this.nodes[Number(id.slice("agent-".length))];
  }

  private onRequestVote(node: Node, candidate: Node, rv: RequestVote): void {
    if (rv.term > node.term) this.stepDown(node, rv.term);
    const myLastTerm = node.termAt(node.lastIndex);
    // The candidate's log must be at least as up to date as ours (§5.4.1).
    const upToDate =
      rv.lastLogTerm > myLastTerm ||
      (rv.lastLogTerm === myLastTerm && rv.lastLogIndex >= node.lastIndex);
    const c = candidate.agent.index;
    const granted =
      rv.term === node.term && (node.votedFor === -1 || node.votedFor === c) && upToDate;
    if (granted) {
      node.votedFor = c;
      this.resetElectionTimer(node);
    }
    const reply: VoteReply = { term: node.term, granted };
    this.ctx.net.send(node.id, candidate.id, "vote", reply, REPLY_TOKENS);
  }

  private onVote(node: Node, voter: Node, v: VoteReply): void {
    if (v.term > node.term) {
      this.stepDown(node, v.term);
      return;
    }
    if (node.role !== "candidate" || v.term !== node.term || !v.granted) return;
    const i = voter.agent.index;
    if (node.votes[i]) return;
    node.votes[i] = 1;
    node.voteCount++;
    if (2 * node.voteCount > this.n) this.becomeLeader(node);
  }

  private onAppend(node: Node, leader: Node, ae: AppendEntries): void {
    const reply: AppendReply = {
      term: node.term,
      seq: ae.seq,
      success: false,
      prevLogIndex: ae.prevLogIndex,
      match: 0,
      hint: 0,
    };
    if (ae.term < node.term) {
      this.ctx.net.send(node.id, leader.id, "append_reply", reply, REPLY_TOKENS);
      return;
    }
    // A current leader exists: candidates and stale leaders give way to it.
    this.stepDown(node, ae.term, true);
    reply.term = node.term;
    if (ae.prevLogIndex > node.lastIndex) {
      reply.hint = node.lastIndex + 1;
    } else if (node.termAt(ae.prevLogIndex) !== ae.prevLogTerm) {
      // Skip back over the whole conflicting term at once.
      const bad = node.termAt(ae.prevLogIndex);
      let i = ae.prevLogIndex;
      while (i > 1 && node.termAt(i - 1) === bad) i--;
      reply.hint = i;
    } else {
      for (let j = 0; j < ae.entries.length; j++) {
        const index = ae.prevLogIndex + 1 + j;
        const e = ae.entries[j];
        if (index <= node.lastIndex) {
          if (node.termAt(index) === e.term) continue;
          this.truncate(node, index);
        }
        node.log.push(e);
      }
      const match = ae.prevLogIndex + ae.entries.length;
      reply.success = true;
      reply.match = match;
      const commit = Math.min(ae.leaderCommit, match);
      if (commit > node.commitIndex) {
        node.commitIndex = commit;
        this.apply(node);
      }
    }
    this.ctx.net.send(node.id, leader.id, "append_reply", reply, REPLY_TOKENS);
  }

  // Drops the entries from `index` on: they conflict with the leader's log and were never committed.
  private truncate(node: Node, index: number): void {
    const removed = node.log.splice(index - 1);
    for (const e of removed) {
      if (e.item < 0 || e.answer < 0 || this.discarded.has(e)) continue;
      this.discarded.add(e);
      this.ctx.counters.rework++;
    }
    this.record("raft_truncate", { node: node.id, from: index, count: removed.length });
  }

  private onAppendReply(node: Node, follower: Node, r: AppendReply): void {
    if (r.term > node.term) {
      this.stepDown(node, r.term);
      return;
    }
    if (node.role !== "leader" || r.term !== node.term) return;
    const f = follower.agent.index;
    // Replies to requests older than the last one with entries (held, duplicated,
    // overtaken) update what they prove but trigger nothing: no resend bursts.
    const fresh = r.seq >= node.entriesSeq[f];
    if (fresh) node.awaiting[f] = false;
    if (r.success) {
      if (r.match > node.matchIndex[f]) node.matchIndex[f] = r.match;
      if (node.matchIndex[f] + 1 > node.nextIndex[f]) node.nextIndex[f] = node.matchIndex[f] + 1;
      this.advanceCommit(node);
      if (fresh && node.nextIndex[f] <= node.lastIndex) this.sendAppend(node, f);
      return;
    }
    // Only the answer to the probe at the current nextIndex moves it back.
    if (!fresh || r.prevLogIndex !== node.nextIndex[f] - 1) return;
    node.nextIndex[f] = Math.max(node.matchIndex[f] + 1, Math.min(r.hint, r.prevLogIndex));
    this.sendAppend(node, f);
  }

  private record(type: string, fields: Record<string, unknown>): void {
    if (this.ctx.trace.enabled) this.ctx.trace.record({ t: this.ctx.sim.now, type, ...fields });
  }
}

/** `raft`: a leader answers each item and replicates the answers as a Raft log; a majority commits them. */
export const raft: ProtocolModule<typeof schema> = {
  name: "raft",
  summary:
    "Raft: an elected leader answers each item and replicates the answer in a log; entries commit on a majority, survive leader crashes and partitions",
  schema,
  tasks: ["questions"],
  create: (ctx, options) => new Raft(ctx, options),
};
