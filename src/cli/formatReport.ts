import Table from "cli-table3";
import type { LivenessTally, RunReport } from "../experiment/runScenario.js";
import type { MetricName } from "../metrics/RunResult.js";
import type { MetricSummary } from "../metrics/summarize.js";
import { terminalText } from "./terminalText.js";

interface Row {
  metric: MetricName;
  label: string;
  fmt: (x: number) => string;
  /** Shown only when some replicate measured it (a timeout failure detector's rows). */
  ifAny?: boolean;
}

const num = (digits: number) => (x: number) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const sig = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x));
const seconds = (x: number) => `${sig(x)} s`;
const usd = (x: number) => `$${x < 0.01 ? x.toExponential(3) : x.toFixed(4)}`;

const ROWS: Row[] = [
  { metric: "accuracy", label: "accuracy", fmt: num(3) },
  { metric: "decided", label: "decided (fraction of items)", fmt: num(3) },
  { metric: "decided_all", label: "decided by every correct live node", fmt: num(3) },
  { metric: "makespan_s", label: "makespan", fmt: seconds },
  { metric: "speedup", label: "speedup vs single (same seed)", fmt: sig },
  { metric: "call_latency_s", label: "call latency (pooled calls)", fmt: seconds },
  { metric: "tokens", label: "tokens", fmt: sig },
  { metric: "cost_usd", label: "cost", fmt: usd },
  { metric: "calls", label: "LLM calls", fmt: sig },
  { metric: "messages", label: "messages sent", fmt: sig },
  { metric: "messages_dropped", label: "messages dropped", fmt: sig },
  { metric: "conflicts", label: "conflicts", fmt: sig },
  { metric: "rework", label: "rework (redone attempts)", fmt: sig },
  { metric: "idle_fraction", label: "idle fraction", fmt: num(3) },
  { metric: "rounds", label: "rounds", fmt: sig },
  { metric: "leader_changes", label: "leader changes", fmt: sig },
  { metric: "time_to_decision_s", label: "time to decision (per item)", fmt: seconds },
  { metric: "retries", label: "retries", fmt: sig },
  { metric: "failed_calls", label: "failed calls", fmt: sig },
  { metric: "stragglers", label: "straggler calls", fmt: sig },
  { metric: "crashes", label: "crashes", fmt: sig },
  { metric: "suspicions", label: "suspicions (failure detector)", fmt: sig, ifAny: true },
  { metric: "false_suspicions", label: "false suspicions", fmt: sig, ifAny: true },
];

function ci(s: MetricSummary, fmt: (x: number) => string): string {
  return s.ci95 ? `[${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}]` : "-";
}

/** The human-readable summary of `teamsim run`: a header line and a table per metric. */
export function formatReport(report: RunReport): string {
  const head =
    `${terminalText(report.scenario)}: ${report.protocol} team of ${teamLabel(report.agents, report.model)}, ` +
    `${report.replicates} replicates, seed ${report.seed}`;
  const table = new Table({
    head: ["metric", "mean", "95% CI of mean", "p50", "p95"],
    style: { head: [], border: [], compact: true },
    colAligns: ["left", "right", "right", "right", "right"],
  });
  for (const row of ROWS) {
    const s = report.summary[row.metric];
    if (row.ifAny && report.summary.suspicions.max === 0) continue;
    table.push([row.label, row.fmt(s.mean), ci(s, row.fmt), row.fmt(s.p50), row.fmt(s.p95)]);
  }
  const ends = Object.entries(report.end_reasons)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const lines = [head];
  const w = report.summary.work_tokens;
  if (w.mean > 0) {
    // Brent's bound: T_n >= max(work/n, span), so speedup <= min(n, work/span).
    lines.push(
      `work graph: work ${sig(w.mean)} tokens, critical path ${sig(report.summary.critical_path_tokens.mean)} tokens ` +
        `(means); work-span bound on speedup min(n, work/span) = ${sig(report.summary.speedup_bound.mean)}`,
    );
  }
  lines.push(
    table.toString(),
    `runs ended: ${ends}`,
    `safety violations: ${report.summary.violations}`,
    `liveness: ${livenessLine(report.summary.liveness)}`,
  );
  for (const v of report.violations) {
    lines.push(
      `  ${v.check} failed in replicate ${v.replicate} (seed ${v.replicate_seed}; rerun with --replicate ${v.replicate} --trace FILE): ${v.detail}`,
    );
  }
  return lines.join("\n");
}

/** The liveness verdicts of a run in one line, e.g. "ok in 98, failed in 2 (eventual decision)". */
function livenessLine(t: LivenessTally): string {
  const parts: string[] = [];
  if (t.ok > 0) parts.push(`ok in ${t.ok}`);
  if (t.failed > 0) parts.push(`failed in ${t.failed}`);
  if (t.inconclusive > 0) parts.push(`inconclusive in ${t.inconclusive} (horizon too early)`);
  if (t.not_applicable > 0) parts.push(`n/a in ${t.not_applicable}`);
  return `${parts.join(", ")} (eventual decision${t.not_applicable > 0 && parts.length === 1 ? " not promised or not owed" : ""})`;
}

/** "5 × gpt-4o", or "3: 1×gpt-4o + 2×llama-3-70b" for a team of several models. */
export function teamLabel(count: number, model: string): string {
  return model.includes("×") ? `${count}: ${model}` : `${count} × ${model}`;
}
