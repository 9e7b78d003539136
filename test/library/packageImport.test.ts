import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { makeUserProgram, ROOT, runTsc } from "./userProgram.js";

// A program outside the repository that depends on teamsim by path imports it
// by name (package.json `exports`, the built dist/ and its .d.ts), never by a path.

const SCENARIO = {
  name: "user-built",
  seed: 11,
  replicates: 3,
  agents: { model: "gpt-4o", count: 3 },
  team: { protocol: "independent", aggregate: "majority" },
  task: {
    kind: "questions",
    items: 12,
    difficulty: { kind: "mixture", easy_fraction: 0.6, p_easy: 0.85, p_hard: 0.3 },
  },
};

const MAIN_TS = `import {
  type LoadedScenario,
  type RunReport,
  type Scenario,
  InputError,
  lawCurve,
  runScenario,
  scenarioFromObject,
} from "teamsim";

const loaded: LoadedScenario = scenarioFromObject(${JSON.stringify(SCENARIO)}, { source: "main.ts" });
const scenario: Scenario = loaded.scenario;
const report: RunReport = runScenario(loaded).report;
const accuracy: number = report.summary.accuracy.mean;
const protocol: string = scenario.team.protocol;
// @ts-expect-error the summary has no such metric: the types are real, not \`any\`
report.summary.no_such_metric;
// @ts-expect-error a scenario is built from an object, not from a number of agents
scenarioFromObject({}, { source: 3 });
const curve = lawCurve("amdahl", { p: 0.9 }, [1, 2, 4]);
const bad: InputError | undefined = undefined;
console.log(accuracy, protocol, curve.points.length, bad);
`;

const MAIN_MJS = `import { runScenario, scenarioFromObject, traceReplicate } from "teamsim";

const loaded = scenarioFromObject(${JSON.stringify(SCENARIO)}, { source: "main.mjs" });
const { report } = runScenario(loaded);
const { events } = traceReplicate(loaded, 0);
process.stdout.write(JSON.stringify({ report, events: events.length }, null, 2));
`;

let dir: string;

beforeAll(() => {
  dir = makeUserProgram("teamsim-user-");
  writeFileSync(join(dir, "main.ts"), MAIN_TS);
  writeFileSync(join(dir, "main.mjs"), MAIN_MJS);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        types: [],
      },
      files: ["main.ts"],
    }),
  );
}, 120_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("teamsim as a dependency of another program", () => {
  it("type-checks a TypeScript program that imports it by name", () => {
    expect(runTsc(dir, ["-p", "tsconfig.json"])).toBe("");
  }, 120_000);

  it("runs a scenario built in code: the report is what `teamsim run --json` prints", () => {
    const text = execFileSync(process.execPath, ["main.mjs"], { cwd: dir, encoding: "utf8" });
    const got = JSON.parse(text) as { report: unknown; events: number };
    // The same document as a file, through the command (both run the built dist/).
    writeFileSync(join(dir, "main.mjs.yaml"), stringify(SCENARIO));
    const cli = execFileSync(
      process.execPath,
      [join(ROOT, "bin", "teamsim.js"), "run", "main.mjs.yaml", "--json", "--quiet"],
      { cwd: dir, encoding: "utf8" },
    );
    expect(`${JSON.stringify(got.report, null, 2)}\n`).toBe(cli);
    expect(JSON.parse(cli).summary.accuracy).toMatchObject({ mean: expect.any(Number) });
    expect(got.events).toBeGreaterThan(0);
  }, 120_000);
});
