import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { ModelProfileSchema } from "../../src/agents/ModelProfile.js";
import { main } from "../../src/cli/main.js";
import { loadModelProfiles } from "../../src/scenario/loadModelProfiles.js";

const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/teamsim.js");
const FIXTURES = join(ROOT, "test/fixtures/calibrate");

// Runs in the fixtures' directory, so paths (and the sources naming them) are relative.
function teamsim(args: string[], cwd = FIXTURES) {
  const r = spawnSync(process.execPath, [BIN, "calibrate", ...args], { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The same, in this process (much faster than a new node), for the error cases.
async function teamsimHere(args: string[]) {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  try {
    const code = await main(["calibrate", ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function expectInputError(
  r: { code: number | null; stdout: string; stderr: string },
  pattern: RegExp,
): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

const out = mkdtempSync(join(tmpdir(), "teamsim-calibrate-"));
const DATE = ["--date", "2026-11-30"];

describe("teamsim calibrate", () => {
  const cwd = process.cwd();
  beforeAll(() => process.chdir(FIXTURES));
  afterAll(() => process.chdir(cwd));

  it("JSONL: prints a valid profile to stdout and the fits to stderr", () => {
    const r = teamsim(["calls.jsonl", "--model", "acme-small", ...DATE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^# acme-small: written by `teamsim calibrate` .*\n# {3}teamsim calibrate calls\.jsonl --model acme-small --date 2026-11-30\n/,
    );
    const profile = ModelProfileSchema.parse(parse(r.stdout));
    expect(profile.latency.call?.dist).toBe("mixture");
    expect(profile.latency.source).toContain(
      "teamsim calibrate, 2026-11-30, on calls.jsonl (a JSONL call log), model acme-small: whole-call latency of 57 successful calls",
    );
    expect(profile.latency.source).toMatch(/chosen lognormal-mixture, KS distance 0\.\d{3}/);
    expect(profile.failures.transient_error_rate).toBe(0.05);
    expect(profile.failures.source).toContain("3 failed of 60 calls (5%)");
    expect(profile.tokens.output.dist).toBe("lognormal");
    expect(profile.price.source).toMatch(/^placeholder until calibrated: no --base profile/);
    expect(r.stderr).toContain("lognormal-mixture        5");
    expect(r.stderr).toContain("chosen (lowest BIC)");
    expect(r.stderr).toMatch(/\np50 +2\.3 +2\.\d+\n/);
    expect(r.stderr).toContain("transient error rate: 5%");
  });

  it("OTLP (one document): --json prints the fit report", () => {
    const r = teamsim(["spans.json", "--json", ...DATE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      model: "acme-otel",
      date: "2026-11-30",
      inputs: [{ path: "spans.json", format: "otlp", calls: 12 }],
      calls: 11,
      failed_calls: 1,
      transient_error_rate: 1 / 12,
      command: "teamsim calibrate spans.json --date 2026-11-30",
    });
    const names = report.latency.candidates.map((c: { name: string }) => c.name);
    expect(names).toEqual(["lognormal", "gamma", "lognormal-mixture"]);
    const best = Math.min(...report.latency.candidates.map((c: { bic: number }) => c.bic));
    const chosen = report.latency.candidates.find(
      (c: { name: string }) => c.name === report.latency.chosen,
    );
    expect(chosen.bic).toBe(best);
    for (const c of report.latency.candidates) {
      expect(typeof c.log_lik).toBe("number");
      expect(c.ks).toBeGreaterThan(0);
      expect(c.ks).toBeLessThan(1);
    }
    expect(report.latency.quantiles.map((q: { p: number }) => q.p)).toEqual([
      0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99,
    ]);
    expect(report.profile).toBeUndefined();
  });

  it("OTLP (JSON lines) with -o: writes the file atomically, and it loads as a shipped profile", () => {
    const dir = mkdtempSync(join(out, "models-"));
    const file = join(dir, "acme-otel.yaml");
    const r = teamsim(["spans.jsonl", ...DATE, "-o", file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`wrote ${file}`);
    expect(readdirSync(dir)).toEqual(["acme-otel.yaml"]);
    const profile = loadModelProfiles(dir).get("acme-otel");
    expect(profile?.latency.source).toContain("on spans.jsonl (OTLP/JSON GenAI spans)");
    expect(profile?.failures.transient_error_rate).toBe(0);
  });

  it("paper layout with --base: keeps the base's price, skill and context; tokens are run averages", () => {
    writeFileSync(
      join(out, "acme-small.yaml"),
      readFileSync(join(ROOT, "models/gpt-4o.yaml"), "utf8").replace(
        "name: gpt-4o",
        "name: acme-small",
      ),
    );
    const base = join(out, "acme-small.yaml");
    const file = join(out, "paper-profile.yaml");
    const r = teamsim([
      "paper",
      "--model",
      "acme-small",
      "--base",
      base,
      ...DATE,
      "--json",
      "-o",
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const { output_tokens, input_tokens, transient_error_rate } = JSON.parse(r.stdout);
    const profile = parse(readFileSync(file, "utf8"));
    expect(ModelProfileSchema.safeParse(profile).success).toBe(true);
    const gpt = loadModelProfiles().get("gpt-4o");
    expect(profile.price).toEqual(gpt?.price);
    expect(profile.skill).toEqual(gpt?.skill);
    expect(profile.context_window).toEqual(gpt?.context_window);
    expect(profile.failures.retry).toEqual(gpt?.failures.retry);
    expect(profile.provider).toBe("OpenAI");
    expect(transient_error_rate).toBeNull();
    expect(profile.failures.source).toContain(
      "transient_error_rate unknown, set to 0: paper holds only completed replies",
    );
    expect(output_tokens.recorded).toBe("run-average");
    expect(profile.tokens.source).toContain("each call counts its run's output_tokens / calls");
    expect(input_tokens).toEqual({ recorded: "run-average", median: 4000, mean: 4000 });
  });

  it("draws the data's CDF against every fit with --figure", () => {
    const svg = join(out, "fit.svg");
    const r = teamsim(["calls.jsonl", "--model", "acme-large", ...DATE, "--json", "--figure", svg]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(svg, "utf8");
    for (const name of ["data", "lognormal", "gamma"]) expect(text).toContain(`>${name}`);
  });

  it.each([
    [
      ["calls.jsonl"],
      /^teamsim: calls\.jsonl: expected --model NAME to say which model to calibrate, found several models: acme-large, acme-small$/m,
    ],
    [
      ["paper"],
      /^teamsim: paper: expected --model NAME .* found several models: acme-large, acme-small$/m,
    ],
    [
      ["calls.jsonl", "--model", "acme-tiny"],
      /calls\.jsonl: expected calls of model "acme-tiny" \(--model\), found only acme-large, acme-small/,
    ],
    [
      ["calls-bad.jsonl"],
      /^teamsim: calls-bad\.jsonl:3: latency_s: expected a number, found "fast"$/m,
    ],
    [
      ["empty.jsonl"],
      /^teamsim: empty\.jsonl: expected at least one LLM call, found no calls \(an empty log\)$/m,
    ],
    [
      ["spans-no-calls.json"],
      /spans-no-calls\.json: expected at least one LLM call, found no GenAI model-call spans/,
    ],
    [
      ["spans-bad.json"],
      /spans-bad\.json: resourceSpans\.0\.scopeSpans\.0\.spans\.0\.endTimeUnixNano: expected/,
    ],
    [
      ["paper-empty"],
      /paper-empty\/runs\.csv: expected at least one data row after the header, found only the header/,
    ],
    [
      ["nope.jsonl"],
      /nope\.jsonl: expected a trace file or a directory, found no such file or directory/,
    ],
    [
      ["calls.jsonl", "--format", "csv"],
      /--format: expected one of paper, otlp, jsonl, found "csv"/,
    ],
    [
      ["calls.jsonl", "--date", "2026-02-30"],
      /--date: expected a date YYYY-MM-DD, found "2026-02-30"/,
    ],
    [
      ["calls.jsonl", "-o", "no/such/dir/x.yaml"],
      /-o no\/such\/dir\/x\.yaml: expected a path in an existing directory/,
    ],
    [
      ["calls.jsonl", "--figure", "fig.gif"],
      /fig\.gif: expected a figure file ending in \.svg, \.png or \.html/,
    ],
    [
      ["spans.json", "--format", "jsonl"],
      /spans\.json:1: expected a JSON object, found invalid JSON/,
    ],
  ])("bad input %j: exit 2 with one line naming it", async (args, pattern) => {
    expectInputError(
      await teamsimHere([...args, ...(args.includes("--date") ? [] : DATE)]),
      pattern,
    );
  });
});

describe("the shipped profiles calibrated on data/paper-llm-teams", () => {
  it.each([{ model: "claude-sonnet-4-6" }, { model: "gemini-3-flash" }])(
    "$model: the profile is exactly what the command in its header writes",
    ({ model }) => {
      const file = join(ROOT, `models/${model}.yaml`);
      const text = readFileSync(file, "utf8");
      const command = /^# {3}teamsim calibrate (.*)$/m.exec(text)?.[1];
      expect(command).toBe(
        `data/paper-llm-teams --model ${model} --base models/${model}.yaml --date 2026-11-30 -o models/${model}.yaml`,
      );
      const target = join(out, `${model}.yaml`);
      const args = (command as string).split(" ");
      // Same arguments, but written elsewhere: -o's value is the last argument.
      args[args.length - 1] = target;
      const r = teamsim(args, ROOT);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(target, "utf8")).toBe(
        text.replace(`-o models/${model}.yaml`, `-o ${target}`),
      );
      expect(text).not.toMatch(/\.\.\/shared|\/work\//);
    },
  );
});
