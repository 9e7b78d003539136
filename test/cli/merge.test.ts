import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end through the built bin: `teamsim merge` never replaces another sweep's results.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const QUICK = join(import.meta.dirname, "../../scenarios/quickstart.yaml");
const GRID = ["--sweep", "agents.count=1,3", "--set", "replicates=4", "--set", "task.items=10"];
const root = mkdtempSync(join(tmpdir(), "teamsim-merge-"));

function teamsim(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const read = (dir: string, f: string) => readFileSync(join(dir, f), "utf8");

function sweep(name: string, extra: string[] = []) {
  const dir = join(root, name);
  const r = teamsim(["sweep", QUICK, "--out", dir, "-q", "--workers", "1", ...GRID, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

describe("teamsim merge --out", () => {
  const s1 = sweep("s1", ["--shard", "1/2"]);
  const s2 = sweep("s2", ["--shard", "2/2"]);
  const whole = sweep("whole");
  const other = sweep("other", ["--set", "seed=7"]);
  let n = 0;
  // A copy of `dir` to merge into (the original stays for later rows).
  const copy = (dir: string) => {
    const to = join(root, `target-${n++}`);
    cpSync(dir, to, { recursive: true });
    return to;
  };

  // One row per kind of --out: how to make it, and the exit code and message of the merge.
  const cases: { name: string; out: () => string; code: number; message: RegExp }[] = [
    {
      name: "a directory of another sweep",
      out: () => copy(other),
      code: 2,
      message:
        /^teamsim: --out \S+: expected an empty or new directory, or an earlier merge of this sweep \(hash [0-9a-f]{12}\), found results of another sweep: hash [0-9a-f]{12} \(quickstart\); merging would replace them: use another --out\n$/,
    },
    {
      name: "a shard of this sweep",
      out: () => copy(s1),
      code: 2,
      message: /found the results of shard 1\/2 of this sweep; merging would replace them/,
    },
    {
      name: "results without a manifest",
      out: () => {
        const d = copy(other);
        rmSync(join(d, "manifest.json"));
        return d;
      },
      code: 2,
      message: /found results\.jsonl of an unknown sweep \(no manifest\.json\)/,
    },
    {
      name: "a corrupted manifest",
      out: () => {
        const d = copy(other);
        writeFileSync(join(d, "manifest.json"), "{");
        return d;
      },
      code: 2,
      message:
        /^teamsim: \S+manifest\.json:1:2: expected a sweep manifest \(JSON\), found .*use another --out\n$/,
    },
    { name: "a new directory", out: () => join(root, `new-${n++}`), code: 0, message: /^$/ },
    {
      name: "an empty directory",
      out: () => {
        const d = join(root, `empty-${n++}`);
        mkdirSync(d);
        return d;
      },
      code: 0,
      message: /^$/,
    },
    { name: "the same sweep run whole", out: () => copy(whole), code: 0, message: /^$/ },
  ];
  it.each(cases)("into $name: exit $code", ({ out, code, message }) => {
    const dir = out();
    const before = existsSync(join(dir, "results.jsonl")) ? read(dir, "results.jsonl") : undefined;
    const r = teamsim(["merge", s1, s2, "--out", dir]);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(code);
    if (code === 2) {
      // Nothing of the directory was replaced.
      expect(existsSync(join(dir, "results.jsonl")) ? read(dir, "results.jsonl") : undefined).toBe(
        before,
      );
    } else {
      expect(r.stdout).toBe(`merged 2 shards: 8 results in ${dir}\n`);
      expect(read(dir, "summary.csv")).toBe(read(whole, "summary.csv"));
      // An earlier merge may be merged into again, to the same bytes.
      const again = teamsim(["merge", s1, s2, "--out", dir]);
      expect(again.code, again.stderr).toBe(0);
      expect(read(dir, "results.jsonl")).toBe(
        `${read(whole, "results.jsonl")
          .split("\n")
          .filter(Boolean)
          .map((l) => ({ l, j: JSON.parse(l) }))
          .sort((a, b) => a.j.point - b.j.point || a.j.replicate - b.j.replicate)
          .map((x) => x.l)
          .join("\n")}\n`,
      );
    }
  });

  it("refuses a shard with a tampered line, naming the file and line", () => {
    const bad = copy(s2);
    const lines = read(bad, "results.jsonl").split("\n");
    lines[1] = lines[1].replace(/"accuracy":[0-9.]+/, '"accuracy":1');
    writeFileSync(join(bad, "results.jsonl"), lines.join("\n"));
    const r = teamsim(["merge", s1, bad, "--out", join(root, `new-${n++}`)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^teamsim: \S+results\.jsonl:2: expected intact results lines \(rerun the shard with --resume to redo the bad ones\), found checksum mismatch \(edited or corrupted\)\n$/,
    );
  });
});
