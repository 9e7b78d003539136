import { z } from "zod";
import type { CallHandle, CallResult } from "../agents/MockLLM.js";
import type { FailureDetector } from "../runtime/FailureDetector.js";
import type { Node, Timer } from "../runtime/Node.js";
import type { Protocol, Runtime } from "../runtime/Runtime.js";
import type { ProtocolModule } from "./Protocol.js";

const schema = z.strictObject({
  protocol: z.literal("raft"),
  election_timeout_s: z
    .strictObject({
      min: z.number().positive().default(1.5),
      max: z.number().positive().default(3),
    })
    .refine((o) => o.min <= o.max, { message: "min <= max", path: ["max"] })
    .prefault({})
    .meta({
      description:
        "a node that hears from no leader for a time uniform in [min, max] s starts an election (the spread breaks split votes)",
    }),
  heartbeat_s: z.number().positive().default(0.5).meta({
    description: "the leader sends AppendEntries (empty: a heartbeat) to every follower this often",
  }),
  first_leader: z.number().int().min(0).nullable().default(0).meta({
    description:
      "the node whose first election timeout is halved, so it leads term 1 and fault plans can name it (< n); null: random",
  }),
  max_uncommitted: z.number().int().min(1).default(1).meta({
    description:
      "entries of its term the leader may hold uncommitted before its next call (1: one item after another)",
  }),
  max_batch: z.number().int().min(1).default(64).meta({
    description: "most entries one AppendEntries carries (a lagging follower's repair is batched)",
  }),
});

type Options = z.output<typeof schema>;

/** Size in tokens of an empty AppendEntries (a heartbeat) or a RequestVote. */
const HEADER_TOKENS = 10;
/** Size in tokens of a reply (AppendEntries or vote). */
const REPLY_TOKENS = 8;

/**
 * An entry of a Raft log: the answer to `item` decided in `term` (item -1: a leader's
 * no-op), and its size (the output tokens of the call that produced it).
 */
type Entry = Readonly<{ term: number; item: number; answer: number; tokens: number }>;

// Raft's messages (its Figure 2); an AppendEntries without entries is a heartbeat.
// A reply names the request it answers (`seq`, `prevLogIndex`: stale replies are
// told apart); on success `match` is the last index known to match the leader's
// log, on failure `hint` is where the leader should try next (<= prevLogIndex).
type Msgs = {
  request_vote: { term: number; lastLogIndex: number; lastLogTerm: number };
  vote: { term: number; granted: boolean };
  append_entries: {
    term: number;
    seq: number;
    prevLogIndex: number;
    prevLogTerm: number;
    entries: readonly Entry[];
    leaderCommit: number;
  };
  append_reply: {
    term: number;
    seq: number;
    success: boolean;
    prevLogIndex: number;
    match: number;
    hint: number;
  };
};

// What survives a crash: `term`, `votedFor` and `log` (Raft's persistent state,
// Figure 2: written to stable storage before answering any RPC). votedFor must be
// durable: a voter that forgot it after a restart could vote twice in one term
// and elect two leaders (test/protocols/raftSchedules.test.ts builds that schedule).
// commitIndex and lastApplied survive too, as if the state machine were snapshotted
// with every apply, so a recovered node does not decide twice.
class Durable {
  term = 0;
  votedFor = -1;
  readonly log: Entry[] = [];
  commitIndex = 0;
  lastApplied = 0;
  appliedItems = 0;

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

// The leader's view of a follower: nextIndex and matchIndex; `awaiting`: an
// AppendEntries with entries is unanswered (send heartbeats only); `sent`: the seq of
// the last AppendEntries with entries sent to it.
type Peer = { next: number; match: number; awaiting: boolean; sent: number };

// What a crash wipes: the role, the votes, the leader's view of its followers,
// its timers and the call it waits for.
class Volatile {
  role: "follower" | "candidate" | "leader" = "follower";
  readonly votes = new Set<number>();
  peers: Peer[] = [];
  /** Numbers this leader's AppendEntries, so replies to older ones are told apart. */
  seq = 0;
  election: Timer | null = null;
  heartbeat: Timer | null = null;
  call: CallHandle | null = null;
}

/** One Raft server: a team member and its durable and volatile state. */
type Server = { node: Node<Msgs>; d: Durable; v: Volatile };

// Raft (Ongaro & Ousterhout 2014) over the team: agent-0..n-1 are the servers.
// The leader asks its own model for each item's answer in turn, appends
// (term, item, answer) to its log and replicates it; an entry is committed once
// a majority stores it (counting only entries of the leader's term, §5.4.2) and
// every node applies committed entries in order, deciding their items.
function createRaft(rt: Runtime, options: Options): Protocol {
  const nodes = rt.nodes<Msgs>();
  const n = nodes.length;
  const items = rt.questions.items;
  const servers: Server[] = nodes.map((node) => ({ node, d: new Durable(), v: new Volatile() }));
  // Answers dropped from some log: counted once each as rework, however many logs held them.
  const discarded = new Set<Entry>();
  // The team is done (see checkDone): its timers are stopped so the run can end. Not
  // for good: a node that recovers behind clears it and the team goes on (see resume).
  let done = false;
  // The current leader's failure detector: tells when the run is done (see checkDone).
  let watch: FailureDetector | null = null;

  const record = (type: string, fields: Record<string, unknown>) => {
    if (rt.trace.enabled) rt.trace.record({ t: rt.now, type, ...fields });
  };

  function resetElectionTimer(s: Server, override?: number): void {
    s.v.election?.cancel();
    // Once the team is done only a node that is behind keeps calling elections (see checkDone).
    if (done && !behind(s)) return;
    const { min, max } = options.election_timeout_s;
    // One draw per reset, whether or not it is overridden.
    const drawn = rt.stream(`agent/${s.node.index}/raft-timeout`).uniform(min, max);
    s.v.election = s.node.after(override ?? drawn, () => startElection(s));
  }

  function startElection(s: Server): void {
    const { d, v, node } = s;
    d.term++;
    v.role = "candidate";
    d.votedFor = node.index;
    v.votes.clear();
    v.votes.add(node.index);
    record("raft_candidate", { node: node.name, term: d.term });
    const rv = { term: d.term, lastLogIndex: d.lastIndex, lastLogTerm: d.termAt(d.lastIndex) };
    node.broadcast("request_vote", rv, HEADER_TOKENS);
    resetElectionTimer(s);
    if (2 * v.votes.size > n) becomeLeader(s);
  }

  function becomeLeader(s: Server): void {
    const { d, v, node } = s;
    v.role = "leader";
    v.election?.cancel();
    rt.history.elect(d.term, node.name, rt.now);
    record("raft_leader", { node: node.name, term: d.term });
    v.peers = nodes.map(() => ({ next: d.lastIndex + 1, match: 0, awaiting: false, sent: 0 }));
    watchFrom(s);
    // A no-op of the new term: committing it commits every earlier entry (§8),
    // even when no item is left to append.
    append(s, { term: d.term, item: -1, answer: -1, tokens: 0 });
    broadcastAppend(s);
    v.heartbeat = node.every(options.heartbeat_s, () => broadcastAppend(s));
    advanceCommit(s);
    propose(s);
    // Elected by a team that is done (woken by a stale RequestVote): nothing to lead.
    if (done) checkDone();
  }

  /**
   * Adopts `term` if it is newer and becomes (or stays) a follower; the election
   * timer restarts when a leader was heard (`heard`) or the node led (it had none).
   */
  function stepDown(s: Server, term: number, heard = false): void {
    const { d, v, node } = s;
    if (term > d.term) {
      d.term = term;
      d.votedFor = -1;
    }
    const wasLeader = v.role === "leader";
    if (wasLeader) {
      record("raft_step_down", { node: node.name, term: d.term });
      v.heartbeat?.cancel();
      // The answer it was waiting for can no longer enter its log as leader.
      v.call?.cancel();
      v.call = null;
    }
    v.role = "follower";
    if (heard || wasLeader) resetElectionTimer(s);
  }

  // Asks the leader's model for the next item's answer if the log has room for it.
  function propose(s: Server): void {
    const { d, v, node } = s;
    if (done || v.role !== "leader" || v.call !== null) return;
    const k = d.nextItem();
    if (k >= items.length) return;
    const pending = d.log.slice(d.commitIndex).filter((e) => e.term === d.term && e.item >= 0);
    if (pending.length >= options.max_uncommitted) return;
    const item = items[k];
    const term = d.term;
    rt.history.open(k, rt.now);
    v.call = node.call(
      { inputTokens: item.promptTokens, pRef: item.pRef, choices: item.choices, label: k },
      (r) => onAnswer(s, term, k, r),
    );
  }

  function onAnswer(s: Server, term: number, k: number, r: CallResult): void {
    const { d, v } = s;
    v.call = null;
    if (r.ok) rt.history.propose(k, r.answer);
    if (v.role !== "leader" || d.term !== term || d.nextItem() !== k) {
      if (r.ok) rt.counters.rework++;
      return;
    }
    // A call that gave up after its retries settles the item with no answer (-1), as `single` does.
    append(s, { term, item: k, answer: r.ok ? r.answer : -1, tokens: r.outputTokens });
    broadcastAppend(s);
    advanceCommit(s);
    propose(s);
  }

  function append(s: Server, entry: Entry): void {
    s.d.log.push(entry);
    const fields = { node: s.node.name, index: s.d.lastIndex, term: entry.term, item: entry.item };
    record("raft_append", fields);
  }

  function broadcastAppend(leader: Server): void {
    for (const peer of nodes) if (peer !== leader.node) sendAppend(leader, peer.index);
  }

  function sendAppend(leader: Server, f: number): void {
    const { d, v } = leader;
    const p = v.peers[f];
    const prev = p.next - 1;
    const seq = ++v.seq;
    let entries: readonly Entry[] = [];
    // While entries are unanswered (lost, or the follower is down) only heartbeats go.
    if (!p.awaiting && prev < d.lastIndex) {
      entries = d.log.slice(prev, prev + options.max_batch);
      p.awaiting = true;
      p.sent = seq;
    }
    const tokens = entries.reduce((sum, e) => sum + e.tokens, HEADER_TOKENS);
    const ae = {
      term: d.term,
      seq,
      prevLogIndex: prev,
      prevLogTerm: d.termAt(prev),
      entries,
      leaderCommit: d.commitIndex,
    };
    leader.node.send(nodes[f], "append_entries", ae, tokens);
  }

  // Commits the highest entry of the current term that a majority stores (§5.4.2).
  function advanceCommit(leader: Server): void {
    const { d, v } = leader;
    for (let index = d.lastIndex; index > d.commitIndex; index--) {
      if (d.termAt(index) !== d.term) break;
      let count = 1;
      for (let f = 0; f < n; f++) if (f !== leader.node.index && v.peers[f].match >= index) count++;
      if (2 * count > n) {
        d.commitIndex = index;
        apply(leader);
        propose(leader);
        return;
      }
    }
  }

  function apply(s: Server): void {
    const { d, node } = s;
    while (d.lastApplied < d.commitIndex) {
      d.lastApplied++;
      const e = d.log[d.lastApplied - 1];
      const value = e.item < 0 ? "noop" : `${e.item}:${e.answer}`;
      rt.history.commit(node.name, d.lastApplied, e.term, value, rt.now);
      record("raft_apply", { node: node.name, index: d.lastApplied, term: e.term, value });
      if (e.item >= 0) {
        rt.history.decide(e.item, node.name, e.answer, rt.now);
        d.appliedItems++;
      }
    }
    // Caught up while the team was done (it was behind, so its timers ran): now it rests too.
    if (done && !behind(s)) quiet(s);
    checkDone();
  }

  /** Whether `s` has yet to apply some item. */
  function behind(s: Server): boolean {
    return s.d.appliedItems < items.length;
  }

  // The leader watches the team with a failure detector, to tell when it is done.
  function watchFrom(leader: Server): void {
    watch?.stop();
    watch = rt.detector(leader.node);
    watch.onChange((_, suspected) => suspected && checkDone());
  }

  // Every item is committed and every node not suspected to be down has applied
  // it: stop all timers so the run ends at quiescence. This is when the experiment
  // stops watching, not a step of the protocol; with the default perfect detector
  // it is exactly the simulator's view of who is up. Nobody up is not done (there
  // is nobody to be done): a node that is up and has applied everything must exist.
  // A node that is behind keeps its timers: it is down (and has none), or up but
  // wrongly suspected (a timeout detector across a partition), and then its next
  // RequestVote wakes the team once it gets through (see onRequestVote).
  // Asked again while done (a leader elected meanwhile, a latecomer caught up), it
  // stops whatever timers were started since.
  function checkDone(): void {
    const up = (s: Server) => !(watch?.suspects(s.node) ?? false);
    if (!servers.some((s) => up(s) && !behind(s))) return;
    if (servers.some((s) => up(s) && behind(s))) return;
    done = true;
    watch?.stop();
    for (const s of servers) if (!behind(s)) quiet(s);
  }

  // Stops the timers of `s`: the team is done and `s` has applied everything.
  function quiet(s: Server): void {
    s.v.election?.cancel();
    s.v.heartbeat?.cancel();
  }

  // Undoes `done` when a node that is behind comes back (recovered, or heard again
  // after a partition): with the timers stopped nobody would ever send it what it
  // lacks. Every node that is up takes up its role again: a leader heartbeats
  // (repairing the newcomer's log) under a fresh failure detector (the old one
  // stopped with its suspicions frozen), the others arm their election timers (the
  // leader may be down, or deposed by the newcomer's higher term).
  function resume(): void {
    done = false;
    watch?.stop();
    watch = null;
    for (const s of servers) {
      s.node.run(() => {
        if (s.v.role !== "leader") return resetElectionTimer(s);
        watchFrom(s);
        broadcastAppend(s);
        s.v.heartbeat?.cancel();
        s.v.heartbeat = s.node.every(options.heartbeat_s, () => broadcastAppend(s));
      });
    }
    // A stale RequestVote (sent before the team was done, or held by a partition)
    // wakes it for nothing: then it is done again at once. Otherwise the node that is
    // behind and up keeps it going (the fresh detector, or none, suspects nobody).
    checkDone();
  }

  function onRequestVote(s: Server, candidate: Node<Msgs>, rv: Msgs["request_vote"]): void {
    const { d, node } = s;
    // Only a node that is behind calls elections once the team is done (see checkDone).
    if (done) resume();
    if (rv.term > d.term) stepDown(s, rv.term);
    const myLastTerm = d.termAt(d.lastIndex);
    // The candidate's log must be at least as up to date as ours (§5.4.1).
    const upToDate =
      rv.lastLogTerm > myLastTerm ||
      (rv.lastLogTerm === myLastTerm && rv.lastLogIndex >= d.lastIndex);
    const c = candidate.index;
    const granted = rv.term === d.term && (d.votedFor === -1 || d.votedFor === c) && upToDate;
    if (granted) {
      d.votedFor = c;
      resetElectionTimer(s);
    }
    node.send(candidate, "vote", { term: d.term, granted }, REPLY_TOKENS);
  }

  function onVote(s: Server, voter: Node<Msgs>, vote: Msgs["vote"]): void {
    const { d, v } = s;
    if (vote.term > d.term) return stepDown(s, vote.term);
    if (v.role !== "candidate" || vote.term !== d.term || !vote.granted) return;
    v.votes.add(voter.index);
    if (2 * v.votes.size > n) becomeLeader(s);
  }

  function onAppend(s: Server, leader: Node<Msgs>, ae: Msgs["append_entries"]): void {
    const { d, node } = s;
    const reply = (success: boolean, match: number, hint: number) => {
      const r = { term: d.term, seq: ae.seq, success, prevLogIndex: ae.prevLogIndex, match, hint };
      node.send(leader, "append_reply", r, REPLY_TOKENS);
    };
    if (ae.term < d.term) return reply(false, 0, 0);
    // A current leader exists: candidates and stale leaders give way to it.
    stepDown(s, ae.term, true);
    if (ae.prevLogIndex > d.lastIndex) return reply(false, 0, d.lastIndex + 1);
    if (d.termAt(ae.prevLogIndex) !== ae.prevLogTerm) {
      // Skip back over the whole conflicting term at once.
      const bad = d.termAt(ae.prevLogIndex);
      let i = ae.prevLogIndex;
      while (i > 1 && d.termAt(i - 1) === bad) i--;
      return reply(false, 0, i);
    }
    for (const [j, e] of ae.entries.entries()) {
      const index = ae.prevLogIndex + 1 + j;
      if (index <= d.lastIndex && d.termAt(index) === e.term) continue;
      if (index <= d.lastIndex) truncate(s, index);
      d.log.push(e);
    }
    const match = ae.prevLogIndex + ae.entries.length;
    const commit = Math.min(ae.leaderCommit, match);
    if (commit > d.commitIndex) {
      d.commitIndex = commit;
      apply(s);
    }
    reply(true, match, 0);
  }

  // Drops the entries from `index` on: they conflict with the leader's log and were never committed.
  function truncate(s: Server, index: number): void {
    const removed = s.d.log.splice(index - 1);
    for (const e of removed) {
      if (e.item < 0 || e.answer < 0 || discarded.has(e)) continue;
      discarded.add(e);
      rt.counters.rework++;
    }
    record("raft_truncate", { node: s.node.name, from: index, count: removed.length });
  }

  function onAppendReply(s: Server, follower: Node<Msgs>, r: Msgs["append_reply"]): void {
    const { d, v } = s;
    if (r.term > d.term) return stepDown(s, r.term);
    if (v.role !== "leader" || r.term !== d.term) return;
    const f = follower.index;
    const p = v.peers[f];
    // Replies to requests older than the last one with entries (held, duplicated,
    // overtaken) update what they prove but trigger nothing: no resend bursts.
    const fresh = r.seq >= p.sent;
    if (fresh) p.awaiting = false;
    if (r.success) {
      // The leader's view of replication, which the commit rule counts (traced for schedule tests).
      if (r.match > p.match)
        record("raft_match", { node: s.node.name, peer: follower.name, match: r.match });
      p.match = Math.max(p.match, r.match);
      p.next = Math.max(p.next, p.match + 1);
      advanceCommit(s);
      if (fresh && p.next <= d.lastIndex) sendAppend(s, f);
      return;
    }
    // Only the answer to the probe at the current nextIndex moves it back.
    if (!fresh || r.prevLogIndex !== p.next - 1) return;
    p.next = Math.max(p.match + 1, Math.min(r.hint, r.prevLogIndex));
    sendAppend(s, f);
  }

  return {
    start() {
      for (const s of servers) {
        s.node.on("request_vote", (rv, from) => onRequestVote(s, from, rv));
        s.node.on("vote", (vote, from) => onVote(s, from, vote));
        s.node.on("append_entries", (ae, from) => onAppend(s, from, ae));
        s.node.on("append_reply", (r, from) => onAppendReply(s, from, r));
        const first = s.node.index === options.first_leader;
        resetElectionTimer(s, first ? options.election_timeout_s.min / 2 : undefined);
      }
    },
    // Back from a crash: a follower again, from its durable state (term, votedFor,
    // log), with a fresh election timer; if the team was done it resumes when this
    // node is behind, and stays done (no timers) when it has applied everything.
    recover(node) {
      const s = servers[node.index];
      s.v = new Volatile();
      record("raft_rejoin", { node: node.name, term: s.d.term });
      if (done && behind(s)) resume();
      else resetElectionTimer(s);
    },
  };
}

/** `raft`: a leader answers each item and replicates the answers as a Raft log; a majority commits them. */
export const raft: ProtocolModule<typeof schema> = {
  name: "raft",
  summary:
    "Raft: an elected leader answers each item and replicates the answer in a log; entries commit on a majority, survive leader crashes and partitions",
  schema,
  tasks: ["questions"],
  example: "scenarios/raft-failover.yaml",
  law: { none: "only its crash tolerance has a law (raft); accuracy and makespan are simulated" },
  deciders: "all",
  // A majority up and connected elects a leader within a few election timeouts
  // (randomized timeouts make split votes geometrically rare, Raft §5.2).
  liveness: {
    quorum: (_o, n) => Math.floor(n / 2) + 1,
    stabilizeS: (o) => 50 * o.election_timeout_s.max + 10 * o.heartbeat_s,
  },
  // A first leader outside the team would silently leave term 1 to chance.
  checkTeam: (options, n) =>
    options.first_leader !== null && options.first_leader >= n
      ? [
          {
            field: "first_leader",
            expected: `a member of the team: 0 .. ${n - 1} (agent-0 .. agent-${n - 1}), or null for a random one`,
          },
        ]
      : [],
  // The leader's call (again after an election); AppendEntries and replies to
  // every follower for the entry and its commit, and heartbeats while a call
  // runs (about 10 s per item: more than a call's mean latency).
  workPerItem: (o, n) => ({ calls: 2, messages: 2 * n * (2 + 10 / o.heartbeat_s) }),
  create: createRaft,
};
