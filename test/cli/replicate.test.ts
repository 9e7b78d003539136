import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCoordination } from "../../src/scenario/readCoordination.js";

// End-to-end: the real `teamsim` bin, as built by `npm test`'s pretest step.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const DATA = join(import.meta.dirname, "../../data/paper-llm-teams");

function teamsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A small data set in the paper's layout: both models, mathutilities at p = 0.9, teams of 1 and 2.
const dir = mkdtempSync(join(tmpdir(), "teamsim-replicate-"));
{
  const lines = (f: string) => readFileSync(join(DATA, f), "utf8").trim().split("\n");
  const runs = lines("runs.csv");
  const keep = runs.slice(1).filter((l) => {
    const c = l.split(",");
    return c[3] === "mathutilities" && c[4] === "0.9" && Number(c[5]) <= 2;
  });
  const ids = new Set(keep.map((l) => l.split(",")[0]));
  writeFileSync(join(dir, "runs.csv"), `${[runs[0], ...keep].join("\n")}\n`);
  for (const f of ["calls.csv", "rounds.csv"]) {
    const all = lines(f);
    writeFileSync(
      join(dir, f),
      `${[all[0], ...all.slice(1).filter((l) => ids.has(l.split(",")[0]))].join("\n")}\n`,
    );
  }
}

describe("teamsim replicate paper", () => {
  it("--json prints every cell, with observed values where the data has them, and fit metrics", () => {
    const r = teamsim(
      "replicate",
      "paper",
      "--data",
      dir,
      "--replicates",
      "5",
      "--json",
      "--model",
      "gemini-3-flash",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const cells = JSON.parse(r.stdout);
    // 2 modes x 9 (suite, p) x 5 team sizes, for the one model asked for.
    expect(cells).toHaveLength(90);
    for (const c of cells) {
      expect(c.model).toBe("gemini-3-flash");
      expect(["preassigned", "decentralized"]).toContain(c.mode);
      for (const k of [
        "p",
        "n_agents",
        "predicted_speedup",
        "predicted_success",
        "predicted_tokens",
      ])
        expect(typeof c[k]).toBe("number");
      const observed = c.task_suite === "mathutilities" && c.p === 0.9 && c.n_agents <= 2;
      expect(c.observed_speedup !== undefined).toBe(observed);
      if (c.n_agents === 1) expect(c.predicted_speedup).toBe(1);
    }
    const metrics = JSON.parse(
      teamsim(
        "replicate",
        "paper",
        "--data",
        dir,
        "--replicates",
        "5",
        "--json",
        "--metrics",
        "--model",
        "gemini-3-flash",
      ).stdout,
    );
    expect(metrics).toHaveLength(1);
    expect(metrics[0].teamsim.cells).toBe(2);
    // Same data, same seedless common random numbers: byte-identical again.
    const again = teamsim(
      "replicate",
      "paper",
      "--data",
      dir,
      "--replicates",
      "5",
      "--json",
      "--model",
      "gemini-3-flash",
    );
    expect(again.stdout).toBe(r.stdout);
  });

  it("--params prints each model's fitted parameters with their source, and the coordination", () => {
    const r = teamsim(
      "replicate",
      "paper",
      "--data",
      dir,
      "--params",
      "--json",
      "--model",
      "gemini-3-flash",
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.models).toHaveLength(1);
    expect(doc.models[0].model).toBe("gemini-3-flash");
    expect(doc.models[0].source).toMatch(/fitted on the n = 1 runs of gemini-3-flash/);
    expect(typeof doc.models[0].batch.preassigned.mathutilities).toBe("number");
    expect(doc.coordination.source).toMatch(/fitted on the team runs/);
  });

  it("prints a readable table and draws predicted against observed speedups", () => {
    const fig = join(dir, "replication.svg");
    const r = teamsim("replicate", "paper", "--data", dir, "--replicates", "5", "-q", "-o", fig);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("claude-sonnet-4-6: speedup predicted (observed)");
    expect(r.stdout).toContain('accuracy of "the team is faster"');
    expect(readFileSync(fig, "utf8")).toMatch(/^<svg/);
  });

  it("fits the coordination parameters to a file, and leaves one model out", () => {
    const out = join(dir, "coordination.yaml");
    const fit = teamsim("replicate", "paper", "--data", dir, "--fit-coordination", out, "-q");
    expect(fit.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const coord = readCoordination(out);
    expect(coord.source).toMatch(/fitted on the team runs/);
    const used = teamsim(
      "replicate",
      "paper",
      "--data",
      dir,
      "--coordination",
      out,
      "--replicates",
      "5",
      "--json",
    );
    expect(used.code).toBe(0);
    const loo = teamsim(
      "replicate",
      "paper",
      "--data",
      dir,
      "--leave-one-out",
      "--replicates",
      "5",
      "--json",
      "--metrics",
    );
    expect(loo.code).toBe(0);
    const doc = JSON.parse(loo.stdout);
    expect(doc.map((m: { model: string }) => m.model)).toEqual([
      "claude-sonnet-4-6",
      "gemini-3-flash",
    ]);
    expect(doc[0].coordination).toBe("fitted on gemini-3-flash");
  }, 120_000);

  it("rejects bad input with exit code 2 and one line", () => {
    const cases: [string[], RegExp][] = [
      [["replicate", "nope"], /expected an experiment \(paper\), found "nope"/],
      [
        ["replicate", "paper", "--replicates", "0"],
        /--replicates: expected a whole number from 1 to 2000, found "0"/,
      ],
      [["replicate", "paper", "--calibrate-on", "half"], /--calibrate-on: expected single or all/],
      [
        ["replicate", "paper", "--data", join(dir, "missing")],
        /expected a directory with runs\.csv and calls\.csv/,
      ],
      [
        ["replicate", "paper", "--data", dir, "--model", "gpt-9"],
        /--model: expected a model of .* found gpt-9/,
      ],
      [
        ["replicate", "paper", "--data", dir, "--model", "gemini-3-flash", "--leave-one-out"],
        /expected runs of two or more models .* found only gemini-3-flash/,
      ],
      [["replicate", "paper", "-o", "fig.gif"], /fig\.gif/],
    ];
    for (const [args, message] of cases) {
      const r = teamsim(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
