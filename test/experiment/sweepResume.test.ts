import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withChecksum, withoutChecksum } from "../../src/experiment/ResultsFile.js";
import { paramsAt, pointIndexer } from "../../src/experiment/reconcileResults.js";
import { runSweep } from "../../src/experiment/runSweep.js";
import { sweepAxes } from "../../src/experiment/SweepAxis.js";
import { buildSweepManifest, parseManifest } from "../../src/experiment/SweepManifest.js";
import { sweepPlan } from "../../src/experiment/SweepPlan.js";
import { scenarioOf } from "../helpers.js";

const root = mkdtempSync(join(tmpdir(), "teamsim-resume-"));
const doc = {
  name: "t",
  seed: 42,
  replicates: 3,
  agents: { model: "gpt-4o", count: 3 },
  team: { protocol: "independent" },
  task: { kind: "questions", items: 4, difficulty: { kind: "fixed", p: 0.7 } },
};

interface SweepArgs {
  counts?: number[];
  replicates?: number;
  sets?: string[];
  axes?: string[];
  resume?: boolean;
  shard?: { index: number; count: number };
  abortAfter?: number;
}

/** A sweep in this thread (1 worker) into `dir`; returns what it did and its warnings. */
async function sweep(dir: string, a: SweepArgs = {}) {
  const loaded = scenarioOf(doc, [`replicates=${a.replicates ?? 3}`, ...(a.sets ?? [])]);
  const axes = sweepAxes(undefined, [
    `agents.count=${(a.counts ?? [1, 3]).join(",")}`,
    ...(a.axes ?? []),
  ]);
  const plan = sweepPlan(loaded, axes);
  const manifest = buildSweepManifest(loaded, axes, plan, {
    shard: a.shard ?? null,
    command: ["teamsim", "test"],
  });
  const warnings: string[] = [];
  const controller = new AbortController();
  const report = await runSweep({
    dir,
    plan,
    manifest,
    shard: a.shard,
    workers: 1,
    resume: a.resume === true,
    resolved: loaded.scenario,
    onWarning: (w) => warnings.push(w),
    onProgress: (p) => {
      if (a.abortAfter !== undefined && p.done - a.abortAfter >= 0) controller.abort();
    },
    signal: controller.signal,
  });
  return { report, warnings };
}

let dirs = 0;
const fresh = () => join(root, `d${dirs++}`);
const read = (dir: string, f: string) => readFileSync(join(dir, f), "utf8");
const lines = (dir: string) => read(dir, "results.jsonl").split("\n").filter(Boolean);
const sorted = (dir: string) => [...lines(dir)].sort();
const write = (dir: string, ls: string[], tail = "\n") =>
  writeFileSync(join(dir, "results.jsonl"), ls.join("\n") + tail);

/** Asserts that `dir` holds exactly what the uninterrupted sweep `ref` holds. */
function expectSame(dir: string, ref: string) {
  expect(sorted(dir)).toEqual(sorted(ref));
  expect(read(dir, "summary.json")).toBe(read(ref, "summary.json"));
  expect(read(dir, "summary.csv")).toBe(read(ref, "summary.csv"));
}

describe("resume after damage to results.jsonl", async () => {
  const ref = fresh();
  await sweep(ref);
  const good = lines(ref);

  // One row per kind of damage: the lines written, the warning, runs redone.
  const cases: {
    name: string;
    damaged: () => string[];
    tail?: string;
    warn: RegExp;
    ran: number;
  }[] = [
    {
      name: "a tampered metric",
      damaged: () =>
        good.map((l, k) => (k === 2 ? l.replace(/"accuracy":[0-9.]+/, '"accuracy":0.99') : l)),
      warn: /results\.jsonl:3: checksum mismatch.*done again/,
      ran: 1,
    },
    {
      name: "a metric that is no number",
      damaged: () =>
        good.map((l, k) => (k === 4 ? l.replace(/"tokens":\d+/, '"tokens":"many"') : l)),
      warn: /results\.jsonl:5: checksum mismatch/,
      ran: 1,
    },
    {
      name: "a truncated last line",
      damaged: () => [...good.slice(0, 5), good[5].slice(0, 100)],
      tail: "",
      warn: /results\.jsonl:6: truncated/,
      ran: 1,
    },
    {
      name: "a line whose checksum was removed",
      damaged: () => good.map((l, k) => (k === 0 ? withoutChecksum(l) : l)),
      warn: /results\.jsonl:1: no checksum/,
      ran: 1,
    },
    {
      name: "a line of params no point has (checksum recomputed)",
      damaged: () =>
        good.map((l, k) =>
          k === 1
            ? withChecksum(withoutChecksum(l).replace('"agents.count":1', '"agents.count":99'))
            : l,
        ),
      warn: /results\.jsonl:2: its params .*99.* are no point of this sweep/,
      ran: 1,
    },
    {
      name: "a replicate beyond the sweep's",
      damaged: () =>
        good.map((l, k) =>
          k === 1 ? withChecksum(withoutChecksum(l).replace('"replicate":1', '"replicate":7')) : l,
        ),
      warn: /results\.jsonl:2: replicate 7 is beyond the sweep's 3/,
      ran: 1,
    },
    {
      name: "a duplicated line",
      damaged: () => [...good, good[3]],
      warn: /results\.jsonl:7: a second result of point 1 replicate 0 \(line 4 has one\)/,
      ran: 0,
    },
  ];
  it.each(cases)("reports $name, reruns it, and ends as an undamaged sweep", async (c) => {
    const dir = fresh();
    await sweep(dir);
    write(dir, c.damaged(), c.tail);
    const { report, warnings } = await sweep(dir, { resume: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(c.warn);
    expect(report).toMatchObject({ ran: c.ran, dropped: 1, results: 6, interrupted: false });
    expectSame(dir, ref);
    // Repaired: a second resume finds nothing wrong.
    expect((await sweep(dir, { resume: true })).warnings).toEqual([]);
  });

  it("reads a directory written before checksums and adds them", async () => {
    const dir = fresh();
    await sweep(dir);
    write(dir, good.map(withoutChecksum));
    const { report, warnings } = await sweep(dir, { resume: true });
    expect(warnings).toEqual([]);
    expect(report).toMatchObject({ ran: 0, skipped: 6, dropped: 0 });
    expectSame(dir, ref);
  });

  it("counts past ten bad lines instead of listing them all", async () => {
    const dir = fresh();
    await sweep(dir, { replicates: 8 });
    write(
      dir,
      lines(dir).map((l) => l.replace(/"events":\d+/, '"events":0')),
    );
    const { warnings, report } = await sweep(dir, { replicates: 8, resume: true });
    expect(report.dropped).toBe(16);
    expect(warnings).toHaveLength(11);
    expect(warnings[10]).toMatch(/6 more lines dropped \(16 in all\)/);
  });
});

describe("an interrupted sweep", () => {
  it("stops at the abort with its runs saved and no summaries, and --resume finishes it", async () => {
    const ref = fresh();
    await sweep(ref, { replicates: 6 });
    const dir = fresh();
    const { report } = await sweep(dir, { replicates: 6, abortAfter: 4 });
    expect(report).toMatchObject({ interrupted: true, saved: 4, total: 12 });
    expect(lines(dir)).toHaveLength(4);
    expect(existsSync(join(dir, "summary.json"))).toBe(false);
    const again = await sweep(dir, { replicates: 6, resume: true });
    expect(again.report).toMatchObject({ interrupted: false, skipped: 4, ran: 8 });
    expectSame(dir, ref);
  });
});

describe("extending a sweep with --resume", () => {
  it("adds replicates and points (a value between the old ones too) as a fresh sweep has them", async () => {
    const ref = fresh();
    await sweep(ref, { counts: [1, 2, 3, 5], replicates: 5 });
    const dir = fresh();
    await sweep(dir, { counts: [1, 3], replicates: 3 });
    const first = JSON.parse(read(dir, "manifest.json"));
    await expect(sweep(dir, { counts: [1, 2, 3, 5], replicates: 5 })).rejects.toThrow(
      /add --resume to extend the sweep in it: 2 -> 4 points, 3 -> 5 replicates/,
    );
    const { report } = await sweep(dir, { counts: [1, 2, 3, 5], replicates: 5, resume: true });
    expect(report).toMatchObject({ extended: true, skipped: 6, ran: 14, results: 20 });
    expectSame(dir, ref);
    const m = JSON.parse(read(dir, "manifest.json"));
    expect(m).toMatchObject({ points: 4, replicates: 5, tasks: 20 });
    expect(m.scenario_hash).toBe(JSON.parse(read(ref, "manifest.json")).scenario_hash);
    expect(m.history).toEqual([
      {
        scenario_hash: first.scenario_hash,
        sweep: [{ path: "agents.count", values: [1, 3] }],
        replicates: 3,
        points: 2,
        tasks: 6,
        teamsim_version: first.teamsim_version,
        command: ["teamsim", "test"],
      },
    ]);
    // A plain resume later keeps the history.
    await sweep(dir, { counts: [1, 2, 3, 5], replicates: 5, resume: true });
    expect(JSON.parse(read(dir, "manifest.json")).history).toHaveLength(1);
  });

  it("renumbers lines left with old point numbers by an extension killed after its manifest", async () => {
    const ref = fresh();
    await sweep(ref, { counts: [1, 2, 3] });
    const dir = fresh();
    await sweep(dir, { counts: [1, 3] });
    const old = lines(dir);
    await sweep(dir, { counts: [1, 2, 3], resume: true, abortAfter: 0 });
    write(dir, old);
    const { warnings } = await sweep(dir, { counts: [1, 2, 3], resume: true });
    expect(warnings).toEqual([]);
    expectSame(dir, ref);
  });

  // One row per change that is no extension: what the sweep changes, and what is said.
  const refused: { name: string; args: SweepArgs; why: RegExp }[] = [
    { name: "another seed", args: { sets: ["seed=7"] }, why: /its seed is 42 \(now 7\)/ },
    {
      name: "another task",
      args: { sets: ["task.items=5"] },
      why: /its task\.items is 4 \(now 5\)/,
    },
    { name: "fewer replicates", args: { replicates: 2 }, why: /it has 3 replicates \(now 2\)/ },
    {
      name: "a value dropped",
      args: { counts: [1, 5] },
      why: /its axis agents\.count has the value 3/,
    },
    {
      name: "a new axis",
      args: { axes: ["task.items=4,5"] },
      why: /its axes are agents\.count \(now agents\.count, task\.items\)/,
    },
  ];
  it.each(refused)("refuses $name, saying what differs and what may change", async (c) => {
    const dir = fresh();
    await sweep(dir);
    await expect(sweep(dir, { ...c.args, resume: true })).rejects.toThrow(
      new RegExp(
        `or of one that --resume extends \\(more replicates, more values on the same axes; nothing else may change\\), found hash [0-9a-f]{12} \\(t\\): ${c.why.source}.*cannot be mixed`,
      ),
    );
  });

  it("refuses to extend a shard (its runs would move to other shards)", async () => {
    const dir = fresh();
    await sweep(dir, { shard: { index: 1, count: 2 } });
    await expect(
      sweep(dir, { shard: { index: 1, count: 2 }, replicates: 4, resume: true }),
    ).rejects.toThrow(/it is a shard .*merge the shards first/);
  });
});

describe("a corrupted manifest.json", () => {
  const valid = async () => {
    const dir = fresh();
    await sweep(dir);
    return dir;
  };
  // One row per damage: the manifest's new text (from the valid one) and the message.
  const cases: { name: string; edit: (text: string) => string; message: RegExp }[] = [
    {
      name: "cut short",
      edit: (t) => t.slice(0, 50),
      message: /manifest\.json:\d+:\d+: expected a sweep manifest \(JSON\), found/,
    },
    {
      name: "empty",
      edit: () => "",
      message: /manifest\.json: expected a sweep manifest \(JSON\), found an empty file/,
    },
    {
      name: "not an object",
      edit: () => "[1, 2]",
      message: /manifest\.json: expected a sweep manifest \(a JSON object\), found \[1,2\]/,
    },
    {
      name: "a bad hash",
      edit: (t) => t.replace(/"scenario_hash": "[0-9a-f]+"/, '"scenario_hash": "xyz"'),
      message: /manifest\.json: scenario_hash: expected 64 hex digits, found "xyz"/,
    },
    {
      name: "replicates not a number",
      edit: (t) => t.replace(/"replicates": 3,\n  "points"/, '"replicates": "3",\n  "points"'),
      message: /manifest\.json: replicates: expected an integer >= 1, found "3"/,
    },
    {
      name: "points that are not the grid's",
      edit: (t) => t.replace('"points": 2', '"points": 5'),
      message: /manifest\.json: points: expected 2 \(the product of the axes' lengths\), found 5/,
    },
    {
      name: "tasks that are not points x replicates",
      edit: (t) => t.replace('"tasks": 6', '"tasks": 7'),
      message: /manifest\.json: tasks: expected 6 \(points x replicates\), found 7/,
    },
    {
      name: "an axis without values",
      edit: (t) => t.replace(/"values": \[[^\]]*\]/, '"values": []'),
      message: /manifest\.json: sweep\.0\.values: expected a non-empty list, found \[\]/,
    },
    {
      name: "a bad shard",
      edit: (t) => t.replace('"shard": null', '"shard": { "index": 3, "count": 2 }'),
      message: /manifest\.json: shard: expected null or \{ index, count \}/,
    },
  ];
  it.each(cases)("($name) is an error naming the file and the field", async (c) => {
    const dir = await valid();
    const file = join(dir, "manifest.json");
    writeFileSync(file, c.edit(readFileSync(file, "utf8")));
    const err = await sweep(dir, { resume: true }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe("InputError");
    expect((err as Error).message).toMatch(c.message);
    expect((err as Error).message).toMatch(
      /restore the manifest teamsim wrote, or use another --out$/,
    );
    expect(() => parseManifest(file, readFileSync(file, "utf8"))).toThrow(c.message);
  });
});

describe("point numbering", () => {
  it("is the planner's: the last axis varies fastest, and params map back to their index", () => {
    const axes = [
      { path: "agents.count", values: [1, 5] },
      { path: "task.items", values: [4, 6, 8] },
    ];
    const all = [0, 1, 2, 3, 4, 5].map((i) => paramsAt(axes, i));
    expect(all).toEqual([
      { "agents.count": 1, "task.items": 4 },
      { "agents.count": 1, "task.items": 6 },
      { "agents.count": 1, "task.items": 8 },
      { "agents.count": 5, "task.items": 4 },
      { "agents.count": 5, "task.items": 6 },
      { "agents.count": 5, "task.items": 8 },
    ]);
    const index = pointIndexer(axes);
    expect(all.map(index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(index({ "agents.count": 2, "task.items": 4 })).toBeUndefined();
    expect(index({ "agents.count": 1 })).toBeUndefined();
  });
});
