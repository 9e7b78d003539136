import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";

// End-to-end through the built bin, read back with hyparquet (an independent reader).
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const TVS = join(import.meta.dirname, "../../scenarios/team-vs-single.yaml");
// 4 points (a string axis and a number axis) x 3 replicates of a small work graph.
const GRID = [
  "--sweep",
  "agents.count=1,3",
  "--sweep",
  "team.protocol=single,tree",
  "--set",
  "replicates=3",
  "--set",
  "task.subtasks=6",
  "-q",
];
const root = mkdtempSync(join(tmpdir(), "teamsim-parquet-"));

function teamsim(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sweep(name: string, extra: string[]): string {
  const dir = join(root, name);
  const r = teamsim(["sweep", TVS, "--out", dir, ...GRID, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

async function readParquet(file: string): Promise<Record<string, unknown>[]> {
  const bytes = readFileSync(file);
  const file_ = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return (await parquetReadObjects({ file: file_ })) as Record<string, unknown>[];
}

function columns(file: string): string[] {
  const bytes = readFileSync(file);
  const meta = parquetMetadata(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  return meta.schema.slice(1).map((s) => s.name);
}

describe("teamsim sweep --format parquet", () => {
  const ref = sweep("w2", ["--format", "parquet", "--workers", "2"]);

  it("writes results.parquet with the rows and values of results.jsonl", async () => {
    const jsonl = readFileSync(join(ref, "results.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .sort((a, b) => a.point - b.point || a.replicate - b.replicate);
    const rows = await readParquet(join(ref, "results.parquet"));
    expect(rows).toHaveLength(12);
    const cols = columns(join(ref, "results.parquet"));
    expect(cols.slice(0, 2)).toEqual(["point", "replicate"]);
    expect(cols.slice(2, 4).sort()).toEqual(["agents.count", "team.protocol"]);
    expect(cols).toContain("accuracy");
    expect(cols).toContain("end_reason");
    rows.forEach((row, k) => {
      const { params, sha256: _sum, ...fields } = jsonl[k];
      expect(row).toEqual({ ...params, ...fields });
    });
    // Both axes vary over the rows (a string and an integer column).
    expect(new Set(rows.map((r) => r["team.protocol"]))).toEqual(new Set(["single", "tree"]));
    expect(new Set(rows.map((r) => r["agents.count"]))).toEqual(new Set([1, 3]));
  });

  it("writes summary.parquet with the rows of summary.json", async () => {
    const summary = JSON.parse(readFileSync(join(ref, "summary.json"), "utf8"));
    const rows = await readParquet(join(ref, "summary.parquet"));
    expect(rows).toEqual(summary);
    expect(columns(join(ref, "summary.parquet"))).toContain("accuracy.mean");
    expect(columns(join(ref, "summary.parquet"))).toContain("agents.count");
  });

  it("gives byte-identical Parquet files for 1 worker and for merged shards", () => {
    const w1 = sweep("w1", ["--format", "parquet", "--workers", "1"]);
    const s1 = sweep("s1", ["--format", "parquet", "--workers", "1", "--shard", "1/2"]);
    const s2 = sweep("s2", ["--workers", "1", "--shard", "2/2"]);
    const merged = join(root, "merged");
    // The first shard's manifest says parquet: the merge follows it.
    expect(teamsim(["merge", s1, s2, "--out", merged]).code).toBe(0);
    const jsonlOnly = join(root, "merged-jsonl");
    expect(teamsim(["merge", s1, s2, "--out", jsonlOnly, "--format", "jsonl"]).code).toBe(0);
    for (const f of ["results.parquet", "summary.parquet"]) {
      const bytes = readFileSync(join(ref, f));
      expect(readFileSync(join(w1, f)).equals(bytes), f).toBe(true);
      expect(readFileSync(join(merged, f)).equals(bytes), f).toBe(true);
    }
    expect(() => readFileSync(join(jsonlOnly, "results.parquet"))).toThrow();
  });

  it("refuses an unknown format (exit 2)", () => {
    const r = teamsim(["sweep", TVS, "--out", join(root, "bad"), ...GRID, "--format", "csv"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--format: expected jsonl or parquet");
  });
});
