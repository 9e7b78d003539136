import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readUslCsv } from "../../src/cli/readUslCsv.js";
import { InputError } from "../../src/core/InputError.js";

const BIN = join(import.meta.dirname, "../../bin/teamsim.js");

function teamsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectInputError(r: ReturnType<typeof teamsim>, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

const dir = mkdtempSync(join(tmpdir(), "teamsim-fit-"));
function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

// Exact USL data written by the test: the fit must give back the coefficients.
const ALPHA = 0.05;
const BETA = 0.002;
const C = (n: number) => n / (1 + ALPHA * (n - 1) + BETA * n * (n - 1));
const SIZES = [1, 2, 4, 8, 16, 32, 48];

describe("teamsim fit usl", () => {
  const speedups = csv(
    "speedup.csv",
    `n,speedup\n${SIZES.map((n) => `${n},${C(n)}`).join("\n")}\n`,
  );

  it("recovers alpha and beta from exact speedups (--json)", () => {
    const r = teamsim("fit", "usl", speedups, "--json");
    expect(r.code, r.stderr).toBe(0);
    const fit = JSON.parse(r.stdout);
    expect(Object.keys(fit)).toEqual(["alpha", "beta", "r2", "n_star"]);
    expect(fit.alpha).toBeCloseTo(ALPHA, 12);
    expect(fit.beta).toBeCloseTo(BETA, 14);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.n_star).toBeCloseTo(Math.sqrt((1 - ALPHA) / BETA), 9);
  });

  it("normalizes throughputs by n = 1, with comments, spaces and extra columns", () => {
    const gamma = 12.5;
    const rows = SIZES.map((n) => `${n}, ${gamma * C(n)}, run-${n}`).join("\n");
    const file = csv("throughput.csv", `# items per second\nn, throughput, note\n${rows}\n`);
    const fit = JSON.parse(teamsim("fit", "usl", file, "--json").stdout);
    expect(fit.alpha).toBeCloseTo(ALPHA, 12);
    expect(fit.beta).toBeCloseTo(BETA, 14);
    expect(fit.gamma).toBeCloseTo(gamma, 12);
  });

  it("prints a readable summary, and a figure of the points and the fit with -o", () => {
    const out = join(dir, "fit.svg");
    const r = teamsim("fit", "usl", speedups, "-o", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("alpha = 0.05  (contention)");
    expect(r.stdout).toContain("beta  = 0.002  (coherency)");
    expect(r.stdout).toContain("peak at n* = 21.79");
    const svg = readFileSync(out, "utf8");
    expect(svg).toContain(">measured</text>");
    expect(svg).toContain(">USL fit</text>");
    // One dot per measurement.
    const dots = [...svg.matchAll(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/g)];
    expect(dots.flatMap((g) => g[1].match(/<path/g) ?? [])).toHaveLength(SIZES.length);
  });

  it.each([
    [
      "speedup",
      "n,speedup\n1,1\n2,0.8\n4,0.6\n8,0.4\n",
      "no peak inside n >= 1: the speedup falls from n = 1 on (alpha + beta = 1.276 >= 1), so n = 1 is best",
    ],
    [
      "throughput",
      "n,throughput\n1,100\n2,70\n3,50\n4,40\n",
      "no peak inside n >= 1: the throughput falls from n = 1 on (alpha + beta = 1.383 >= 1), so n = 1 is best",
    ],
  ])(
    "retrograde %s (falling from n = 1) has no peak inside n >= 1, n_star 1",
    (kind, text, line) => {
      const file = csv(`retro-${kind}.csv`, text);
      const r = teamsim("fit", "usl", file);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain("n* = 0");
      expect(r.stdout.trim().split("\n").at(-1)).toBe(`  ${line}`);
      expect(JSON.parse(teamsim("fit", "usl", file, "--json").stdout).n_star).toBe(1);
    },
  );

  it.each([
    [
      "abc.csv",
      "n,speedup\n1,1\n2,abc\n4,3\n",
      /abc\.csv:3: speedup: expected a number, found "abc"/,
    ],
    [
      "cols.csv",
      "size,rate\n1,1\n",
      /cols\.csv:1: expected a header with columns n and speedup \(or throughput\), found columns "size", "rate"/,
    ],
    ["ragged.csv", "n,speedup\n1,1\n2,1.9,7\n", /ragged\.csv:3: expected valid CSV/],
    ["quote.csv", 'n,speedup\n1,1\n2,"1.9\n', /quote\.csv:3: expected valid CSV/],
    [
      "neg.csv",
      "n,speedup\n1,1\n2,-1\n4,3\n",
      /neg\.csv:3: speedup: expected a number > 0, found -1/,
    ],
    [
      "zero.csv",
      "n,speedup\n0,1\n2,1.9\n4,3\n",
      /zero\.csv:2: n: expected a team size >= 1, found 0/,
    ],
    [
      "blank.csv",
      "n,speedup\n1,\n2,1.9\n4,3\n",
      /blank\.csv:2: speedup: expected a number, found nothing/,
    ],
    ["one.csv", "n,speedup\n1,1\n2,1.9\n", /two or more team sizes above 1 .*, found only n = 2/],
    ["t1.csv", "n,throughput\n2,10\n4,19\n", /expected a row with n = 1/],
    ["empty.csv", "", /empty\.csv: expected a header line .*, found an empty file/],
  ])("%s is an InputError naming the file and line", (name, text, pattern) => {
    const file = csv(name, text);
    expect(() => readUslCsv(file)).toThrow(InputError);
    expect(() => readUslCsv(file)).toThrow(pattern);
  });

  it("bad input exits 2 with one located line, and writes no figure", () => {
    expectInputError(
      teamsim("fit", "usl", csv("bad.csv", "n,speedup\n1,1\n2,abc\n4,3\n")),
      /^teamsim: .*bad\.csv:3: speedup: expected a number, found "abc"$/m,
    );
    expectInputError(teamsim("fit", "usl", join(dir, "missing.csv")), /no such file/);
    expectInputError(teamsim("fit", "amdahl", speedups), /expected a model to fit \(usl\)/);
    const out = join(dir, "x.jpg");
    expectInputError(teamsim("fit", "usl", speedups, "-o", out), /\.svg, \.png or \.html/);
    expect(existsSync(out)).toBe(false);
  });
});
