import { execFile, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end: the real `teamsim` bin, as built by `npm test`'s pretest step.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const ROOT = join(import.meta.dirname, "../..");

function teamsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The bad-input cases run at once: each is a process start and a refusal.
function teamsimAsync(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : (error.code as number | null), stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "teamsim-report-"));

describe("teamsim report", () => {
  it("writes a self-contained report of raft-failover with its diagram data", () => {
    const out = join(dir, "raft.html");
    const r = teamsim(
      "report",
      "scenarios/raft-failover.yaml",
      "--set",
      "replicates=4",
      "-q",
      "-o",
      out,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^wrote .*raft\.html: raft-failover, diagram of replicate 0 \(\d+ events\)\n$/,
    );
    const html = readFileSync(out, "utf8");
    expect(html).toContain("<title>teamsim report: raft-failover</title>");
    // The summary as `run` prints it, and the verdicts.
    expect(html).toContain("raft-failover: raft team of 5 × gpt-4o, 4 replicates, seed 42");
    expect(html).toContain("<td>election_safety</td><td>ok</td>");
    const m = html.match(/<script id="lamport-data" type="application\/json">(.*?)<\/script>/s);
    const d = JSON.parse(m?.[1] ?? "null");
    expect(d.marks.some((k: { kind: string; t: number }) => k.kind === "crash" && k.t === 20)).toBe(
      true,
    );
    expect(d.marks.some((k: { label: string }) => k.label === "leader, term 2")).toBe(true);
    expect(d.marks.some((k: { kind: string }) => k.kind === "commit")).toBe(true);
    expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?(https?:)?\/\//i);
    // Nothing is left beside the report.
    expect(readdirSync(dir).filter((f) => f.includes("tmp"))).toEqual([]);
  }, 120_000);

  it("draws another replicate and a time window on request", () => {
    const out = join(dir, "window.html");
    const r = teamsim(
      "report",
      "scenarios/raft-failover.yaml",
      "--set",
      "replicates=3",
      "--replicate",
      "2",
      "--from",
      "15",
      "--to",
      "30",
      "-o",
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("diagram of replicate 2");
    const html = readFileSync(out, "utf8");
    expect(html).toContain("Space-time diagram of replicate 2");
    const m = html.match(/<script id="lamport-data" type="application\/json">(.*?)<\/script>/s);
    const d = JSON.parse(m?.[1] ?? "null");
    expect(d.start).toBe(15);
    expect(d.end).toBe(30);
    for (const a of d.arrows) expect(Math.max(a.sent, a.at)).toBeGreaterThanOrEqual(15);
  }, 120_000);

  it("reports a sweep directory: its table, its figures and its first point's diagram", () => {
    const sweep = join(dir, "sweep");
    const s = teamsim(
      "sweep",
      "scenarios/quickstart.yaml",
      "--set",
      "replicates=2",
      "--set",
      "task.items=10",
      "--sweep",
      "agents.count=1,3",
      "--workers",
      "1",
      "-q",
      "--out",
      sweep,
    );
    expect(s.stderr).toBe("");
    expect(s.code).toBe(0);
    const out = join(dir, "sweep.html");
    const r = teamsim("report", sweep, "-o", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("<title>teamsim report: quickstart</title>");
    expect(html).toContain("2 points, 2 replicates each");
    expect(html).toContain("<th>agents.count</th>");
    expect(html).toContain('id="figure-0"');
    expect(html).toContain("at the sweep point agents.count=1");
    expect(html).toContain("agents.count:");
  }, 120_000);

  it("refuses bad input with exit 2 and one line", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "name: x\nagents: { model: gpt-4o, count: -1 }\n");
    const notSweep = join(dir, "empty-dir");
    mkdirSync(notSweep, { recursive: true });
    const cases: [string[], RegExp][] = [
      [["report", "no-such.yaml", "-o", join(dir, "x.html")], /^teamsim: no-such\.yaml/],
      [["report", bad, "-o", join(dir, "x.html")], /^teamsim: .*bad\.yaml.*agents/],
      [
        ["report", notSweep, "-o", join(dir, "x.html")],
        /^teamsim: .*empty-dir: expected a scenario file or a sweep directory/,
      ],
      [
        ["report", "scenarios/raft-failover.yaml", "--replicate", "100", "-o", join(dir, "x.html")],
        /^teamsim: --replicate: expected a replicate number from 0 to 99/,
      ],
      [
        ["report", "scenarios/raft-failover.yaml", "--replicate", "one", "-o", join(dir, "x.html")],
        /^teamsim: --replicate: expected a replicate number/,
      ],
      [
        [
          "report",
          "scenarios/raft-failover.yaml",
          "--from",
          "5",
          "--to",
          "2",
          "-o",
          join(dir, "x.html"),
        ],
        /^teamsim: --to: expected a time after --from 5/,
      ],
      [
        ["report", "scenarios/raft-failover.yaml", "-o", join(dir, "no-dir", "x.html")],
        /^teamsim: -o /,
      ],
      [["report", "scenarios/raft-failover.yaml"], /required option/],
    ];
    const results = await Promise.all(cases.map(([args]) => teamsimAsync(...args)));
    for (const [i, [args, line]] of cases.entries()) {
      const r = results[i];
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(line);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
    expect(existsSync(join(dir, "x.html"))).toBe(false);
  }, 120_000);

  it("explains itself in --help", () => {
    const r = teamsim("report", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("space-time diagram");
    expect(r.stdout).toContain("teamsim report scenarios/raft-failover.yaml -o raft.html");
  }, 120_000);
});
