import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/InputError.js";
import { packageRoot } from "../../src/scenario/packageRoot.js";
import { readPaperData } from "../../src/scenario/readPaperData.js";
import { readPaperTasks } from "../../src/scenario/readPaperTasks.js";

const RUNS_HEADER =
  "run_id,model,mode,task_suite,p,n_agents,rep,success,wall_clock_s,rounds,concurrent_writes,claims_blocked,input_tokens,output_tokens";
const RUN = "1,m,preassigned,mathutilities,0.9,1,0,1,10.5,1,0,0,1000,500";

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "teamsim-paper-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("no error");
}

describe("readPaperData", () => {
  it("reads the project's copy of the paper's data", () => {
    const data = readPaperData(join(packageRoot(), "data/paper-llm-teams"));
    expect(data.runs.length).toBe(941);
    expect(data.calls.length).toBe(38039);
    expect(data.rounds.length).toBe(11593);
    expect(new Set(data.runs.map((r) => r.model))).toEqual(
      new Set(["claude-sonnet-4-6", "gemini-3-flash"]),
    );
  });

  it("reads a small directory, rounds.csv being optional", () => {
    const dir = dirWith({
      "runs.csv": `${RUNS_HEADER}\n${RUN}\n`,
      "calls.csv": "run_id,round,agent,latency_s\n1,1,Dev1,10.5\n",
    });
    const data = readPaperData(dir);
    expect(data.runs[0]).toMatchObject({
      run_id: 1,
      model: "m",
      p: 0.9,
      n_agents: 1,
      success: 1,
      wall_clock_s: 10.5,
    });
    expect(data.calls).toEqual([{ run_id: 1, round: 1, agent: "Dev1", latency_s: 10.5 }]);
    expect(data.rounds).toEqual([]);
  });

  it("names the file, line and column of bad input", () => {
    const calls = "run_id,round,agent,latency_s\n1,1,Dev1,10.5\n";
    expect(messageOf(() => readPaperData(dirWith({ "calls.csv": calls })))).toMatch(
      /expected a directory with runs.csv/,
    );
    expect(messageOf(() => readPaperData(dirWith({ "runs.csv": "", "calls.csv": calls })))).toMatch(
      /runs\.csv: expected a header line .* found an empty file/,
    );
    expect(
      messageOf(() =>
        readPaperData(dirWith({ "runs.csv": `${RUNS_HEADER}\n`, "calls.csv": calls })),
      ),
    ).toMatch(/runs\.csv: expected at least one data row/);
    expect(
      messageOf(() =>
        readPaperData(dirWith({ "runs.csv": "run_id,model\n1,m\n", "calls.csv": calls })),
      ),
    ).toMatch(/runs\.csv:1: expected a header with columns .* found no column mode/);
    const badWall = RUN.replace("10.5", "fast");
    expect(
      messageOf(() =>
        readPaperData(dirWith({ "runs.csv": `${RUNS_HEADER}\n${badWall}\n`, "calls.csv": calls })),
      ),
    ).toMatch(/runs\.csv:2: wall_clock_s: expected a number >= 0, found "fast"/);
    const badFlag = RUN.replace(",0,1,10.5", ",0,2,10.5");
    expect(
      messageOf(() =>
        readPaperData(dirWith({ "runs.csv": `${RUNS_HEADER}\n${badFlag}\n`, "calls.csv": calls })),
      ),
    ).toMatch(/runs\.csv:2: success: expected 0 or 1, found "2"/);
    expect(
      messageOf(() =>
        readPaperData(
          dirWith({
            "runs.csv": `${RUNS_HEADER}\n${RUN}\n`,
            "calls.csv": "run_id,round,agent,latency_s\n1,1,Dev1,1\n7,1,Dev1,1\n",
          }),
        ),
      ),
    ).toMatch(/calls\.csv:3: run_id: expected a run_id listed in runs\.csv, found 7/);
    expect(
      messageOf(() =>
        readPaperData(
          dirWith({
            "runs.csv": `${RUNS_HEADER}\n${RUN}\n`,
            "calls.csv": 'run_id,round,agent,latency_s\n1,1,"Dev1,1\n',
          }),
        ),
      ),
    ).toMatch(/calls\.csv:\d+: expected valid CSV/);
  });
});

describe("readPaperTasks", () => {
  it("rejects a dependency on an unknown subtask, naming the path", () => {
    const dir = dirWith({
      "tasks.json": JSON.stringify({
        s: { "0.5": [{ id: "a", dependencies: ["zz"], files: [] }] },
      }),
    });
    expect(messageOf(() => readPaperTasks(join(dir, "tasks.json")))).toMatch(
      /tasks\.json: s\.0\.5\.0\.dependencies\.0: expected the id of another subtask of this suite, found "zz"/,
    );
    const bad = dirWith({ "tasks.json": "{" });
    expect(messageOf(() => readPaperTasks(join(bad, "tasks.json")))).toMatch(/expected valid JSON/);
  });
});
