import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findLaw } from "../../src/analytic/laws.js";
import { parseLawParams } from "../../src/cli/curveCommand.js";
import { parseTeamSizes } from "../../src/cli/parseTeamSizes.js";
import { InputError } from "../../src/core/InputError.js";

// End-to-end through the built bin (npm test builds it first).
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");

function teamsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// An error is one located line on stderr, exit code 2, nothing on stdout.
function expectInputError(r: ReturnType<typeof teamsim>, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/^teamsim: /);
  expect(r.stderr).toMatch(pattern);
}

const amdahl = (p: number, n: number) => 1 / (1 - p + p / n);
const dir = mkdtempSync(join(tmpdir(), "teamsim-curve-"));

describe("teamsim curve", () => {
  it("--json prints exactly [{n, value}, ...] for amdahl p=0.9 at n = 1, 2, 4", () => {
    const r = teamsim("curve", "amdahl", "--param", "p=0.9", "--n", "1,2,4", "--json");
    expect(r.code, r.stderr).toBe(0);
    const expected = [1, 2, 4].map((n) => ({ n, value: amdahl(0.9, n) }));
    expect(JSON.parse(r.stdout)).toEqual(expected);
    expect(r.stdout).toBe(`${JSON.stringify(expected, null, 2)}\n`);
    expect(expected.map((p) => p.value)).toEqual([1, 1.8181818181818181, 3.0769230769230775]);
  });

  it("expands a..b and a..b:step", () => {
    const values = (n: string) =>
      JSON.parse(teamsim("curve", "amdahl", "--param", "p=0.5", "--n", n, "--json").stdout).map(
        (p: { n: number }) => p.n,
      );
    expect(values("1..5")).toEqual([1, 2, 3, 4, 5]);
    expect(values("1..10:3")).toEqual([1, 4, 7, 10]);
    expect(values("2..3:5")).toEqual([2]);
    expect(values("8,1,3")).toEqual([8, 1, 3]);
  });

  it("prints a table n | value under the law's formula", () => {
    const r = teamsim("curve", "amdahl", "--param", "p=0.9", "--n", "1..4");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("amdahl (p=0.9): S(n) = 1 / ((1 - p) + p / n)");
    const rows = r.stdout
      .split("\n")
      .map((l) => l.match(/^\S\s*(\d+)\s*\S\s*([\d.]+)\s*\S$/))
      .filter((m) => m !== null)
      .map((m) => [Number(m[1]), Number(m[2])]);
    expect(rows).toEqual([
      [1, 1],
      [2, 1.81818],
      [3, 2.5],
      [4, 3.07692],
    ]);
  });

  it("reads --param values as YAML (numbers, strings) into the law's schema", () => {
    const r = teamsim(
      "curve",
      "usl",
      "--param",
      "alpha=5e-2",
      "--param",
      "beta= 0.002",
      "--n",
      "1,22",
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const [one, peak] = JSON.parse(r.stdout);
    expect(one.value).toBe(1);
    expect(peak.value).toBeCloseTo(22 / (1 + 0.05 * 21 + 0.002 * 22 * 21), 12);
  });

  it.each([
    ["0..4", /--n 0\.\.4: expected a first team size >= 1, found 0/],
    ["4..2", /--n 4\.\.2: expected a last team size >= the first \(4\), found 2/],
    ["1..8:0", /expected a step >= 1, found 0/],
    ["1..", /expected team sizes as a\.\.b, a\.\.b:step or a,b,c/],
    ["1,,2", /expected team sizes as/],
    ["a,b", /expected team sizes as/],
    ["1.5,2", /expected team sizes as/],
    ["-1..3", /expected team sizes as/],
    ["", /expected team sizes as/],
    ["2,2", /expected distinct team sizes, found 2 twice/],
    ["1..1000000", /expected at most 10000 team sizes/],
  ])("--n %j is an InputError", (n, pattern) => {
    expect(() => parseTeamSizes(n)).toThrow(InputError);
    expect(() => parseTeamSizes(n)).toThrow(pattern);
  });

  it("a bad --n exits 2 with one located line", () => {
    expectInputError(
      teamsim("curve", "amdahl", "--param", "p=0.9", "--n", "4..2"),
      /^teamsim: --n 4\.\.2: expected a last team size >= the first \(4\), found 2$/m,
    );
  });

  it("an unknown law exits 2 and lists the known ones", () => {
    const r = teamsim("curve", "amdhal", "--param", "p=0.9");
    expectInputError(r, /law: expected a known law \(amdahl, .*usl.*\), found "amdhal"/);
    expectInputError(teamsim("curve"), /expected a law \(amdahl/);
  });

  it("bad parameters name the --param, the field, what was expected and found", () => {
    const law = findLaw("amdahl");
    if (law === undefined) throw new Error("amdahl is registered");
    const message = (...params: string[]) => {
      try {
        parseLawParams(law, params);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      return "no error";
    };
    expect(message("p=1.5")).toBe("--param p=1.5: p: expected <= 1, found 1.5");
    expect(message("p=high")).toBe('--param p=high: p: expected a number, found "high"');
    expect(message()).toBe(
      "--param (law amdahl): p: expected a number, found nothing (the field is missing)",
    );
    expect(message("p=0.5", "q=1")).toBe(
      '--param q=1: q: expected a parameter of amdahl (p), found unknown field "q"',
    );
    expect(message("p")).toBe('--param p: expected name=value (e.g. p=0.9), found "p"');
    expect(message("p=[1")).toMatch(/^--param p=\[1: p: expected a YAML value, found .*[^:]$/);
    expect(message("p=0.2", "p=0.7")).toBe("no error");
    expect(parseLawParams(law, ["p=0.2", "p=0.7"])).toEqual({ p: 0.7 });
    expect(message("p.x=1")).toMatch(/^--param p\.x=1: p: expected a number, found a mapping$/);
  });

  it("a bad --param exits 2 with one located line", () => {
    expectInputError(
      teamsim("curve", "amdahl", "--param", "p=1.5"),
      /^teamsim: --param p=1\.5: p: expected <= 1, found 1\.5$/m,
    );
  });

  it("-o writes an SVG, PNG or HTML figure, prints its path, and is byte-identical run to run", () => {
    for (const ext of ["svg", "png", "html"]) {
      const a = join(dir, `a.${ext}`);
      const b = join(dir, `b.${ext}`);
      const args = ["curve", "amdahl", "--param", "p=0.9", "--n", "1..16", "--log-x"];
      const ra = teamsim(...args, "-o", a);
      const rb = teamsim(...args, "-o", b);
      expect(ra.code, ra.stderr).toBe(0);
      expect(ra.stdout).toBe(`${a}\n`);
      expect(rb.code).toBe(0);
      expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    }
    const svg = readFileSync(join(dir, "a.svg"), "utf8");
    expect(svg).toContain(">amdahl (p=0.9)</text>");
    expect(svg).toContain(">team size n</text>");
    expect(svg).toContain(">speedup</text>");
    expect(readFileSync(join(dir, "a.png")).subarray(1, 4).toString()).toBe("PNG");
    expect(readFileSync(join(dir, "a.html"), "utf8")).toContain('"title": "amdahl (p=0.9)"');
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("-o with --json writes the figure and prints the JSON", () => {
    const out = join(dir, "both.svg");
    const r = teamsim("curve", "amdahl", "--param", "p=0.9", "--n", "1,2", "--json", "-o", out);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(2);
    expect(existsSync(out)).toBe(true);
  });

  it("-o with an unknown extension exits 2 and writes nothing", () => {
    const out = join(dir, "fig.pdf");
    expectInputError(
      teamsim("curve", "amdahl", "--param", "p=0.9", "-o", out),
      /fig\.pdf: expected a figure file ending in \.svg, \.png or \.html, found "\.pdf"/,
    );
    expect(existsSync(out)).toBe(false);
    expectInputError(
      teamsim("curve", "amdahl", "--param", "p=0.9", "-o", join(dir, "no", "f.svg")),
      /expected a path in an existing directory/,
    );
  });
});

describe("teamsim laws", () => {
  it("lists every law with family, formula, parameters and source; curve --list is the same", () => {
    const r = teamsim("laws");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("amdahl  (speedup, closed form)");
    expect(r.stdout).toContain("formula: S(n) = 1 / ((1 - p) + p / n)");
    expect(r.stdout).toContain("params:  p: number in [0, 1]");
    expect(r.stdout).toMatch(/source: {2}G\. M\. Amdahl/);
    expect(teamsim("curve", "--list").stdout).toBe(r.stdout);
  });

  it("--json gives each law's parameters as a JSON Schema", () => {
    const laws = JSON.parse(teamsim("laws", "--json").stdout);
    const amdahl = laws.find((l: { name: string }) => l.name === "amdahl");
    expect(amdahl).toMatchObject({ family: "speedup", exactness: "closed form" });
    expect(amdahl.params.properties.p).toEqual({ type: "number", minimum: 0, maximum: 1 });
    expect(amdahl.params.required).toEqual(["p"]);
    expect(laws.map((l: { name: string }) => l.name)).toContain("usl");
  });
});
