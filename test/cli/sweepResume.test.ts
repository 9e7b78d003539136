import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end through the built bin: what `sweep --resume` says about a damaged or grown directory.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const QUICK = join(import.meta.dirname, "../../scenarios/quickstart.yaml");
const SETS = ["--set", "replicates=3", "--set", "task.items=10", "--workers", "1", "-q"];
const root = mkdtempSync(join(tmpdir(), "teamsim-resume-cli-"));

function teamsim(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const sweep = (dir: string, counts: string, extra: string[] = []) =>
  teamsim(["sweep", QUICK, "--out", dir, "--sweep", `agents.count=${counts}`, ...SETS, ...extra]);

describe("teamsim sweep --resume", () => {
  const ref = join(root, "ref");
  expect(sweep(ref, "1,3").code).toBe(0);
  let n = 0;
  const copy = () => {
    const to = join(root, `d${n++}`);
    cpSync(ref, to, { recursive: true });
    return to;
  };

  // One row per damage to manifest.json: its text and the one line said (exit 2, no stack).
  const manifests: { name: string; text: string; message: RegExp }[] = [
    {
      name: "cut short",
      text: '{"scenario_hash": "ab',
      message: /manifest\.json:1:\d+: expected a sweep manifest \(JSON\), found /,
    },
    {
      name: "empty",
      text: "",
      message: /manifest\.json: expected a sweep manifest \(JSON\), found an empty file;/,
    },
    {
      name: "a field of the wrong type",
      text: '{"scenario_hash": 3}',
      message: /manifest\.json: scenario_hash: expected 64 hex digits, found 3;/,
    },
  ];
  it.each(manifests)(
    "names a corrupted manifest ($name) and what is wrong",
    ({ text, message }) => {
      const dir = copy();
      writeFileSync(join(dir, "manifest.json"), text);
      const r = sweep(dir, "1,3", ["--resume"]);
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n")).toHaveLength(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^teamsim: ${dir}/${message.source}.*restore the manifest teamsim wrote, or use another --out\\n$`,
        ),
      );
    },
  );

  it("warns of a tampered line, reruns it and ends with the reference results", () => {
    const dir = copy();
    const file = join(dir, "results.jsonl");
    const lines = readFileSync(file, "utf8").split("\n");
    lines[2] = lines[2].replace(/"makespan_s":[0-9.]+/, '"makespan_s":1');
    writeFileSync(file, lines.join("\n"));
    const r = sweep(dir, "1,3", ["--resume", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `teamsim: warning: ${file}:3: checksum mismatch (edited or corrupted); dropped, its run is done again\n`,
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ ran: 1, skipped: 5, dropped: 1 });
    expect(readFileSync(join(dir, "summary.csv"), "utf8")).toBe(
      readFileSync(join(ref, "summary.csv"), "utf8"),
    );
  });

  it("extends a sweep with new points and says so; refuses another seed saying what may change", () => {
    const dir = copy();
    const grown = sweep(dir, "1,3,5", ["--resume", "--json", "--set", "replicates=4"]);
    expect(grown.code, grown.stderr).toBe(0);
    expect(JSON.parse(grown.stdout)).toMatchObject({
      points: 3,
      replicates: 4,
      skipped: 6,
      ran: 6,
      extended: true,
    });
    const other = sweep(dir, "1,3,5", ["--resume", "--set", "replicates=4", "--set", "seed=7"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /^teamsim: \S+: expected a sweep directory of this scenario and sweep \(hash [0-9a-f]{12}\), or of one that --resume extends \(more replicates, more values on the same axes; nothing else may change\), found hash [0-9a-f]{12} \(quickstart\): its seed is 42 \(now 7\); the results cannot be mixed, use another --out\n$/,
    );
  });
});
