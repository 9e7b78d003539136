import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { paperReplication } from "../../src/experiment/paperReplication.js";
import { fitMetrics } from "../../src/experiment/replicatePaper.js";
import { inputErrorOf } from "../helpers.js";
import { ROOT } from "./userProgram.js";

describe("paperReplication", () => {
  it("gives the cells `teamsim replicate paper --json` prints, and their metrics", () => {
    const args = ["replicate", "paper", "--replicates", "1", "--model", "gemini-3-flash"];
    const cli = execFileSync(
      process.execPath,
      [join(ROOT, "bin", "teamsim.js"), ...args, "--json"],
      {
        encoding: "utf8",
      },
    );
    const got = paperReplication({ replicates: 1, models: ["gemini-3-flash"] });
    expect(JSON.stringify(got.cells)).toBe(JSON.stringify(JSON.parse(cli)));
    expect(got.metrics).toHaveLength(1);
    expect(got.metrics[0].model).toBe("gemini-3-flash");
    expect(got.metrics[0].coordination).toBe("models/coordination/paper-teams.yaml");
    expect(got.metrics[0].teamsim).toEqual(fitMetrics(got.cells));
    expect(got.models.map((m) => m.model)).toEqual(["gemini-3-flash"]);
  }, 240_000);

  it("names a model the data does not have, and a bad replicate count", () => {
    const e = inputErrorOf(() => paperReplication({ models: ["gpt-9"] }));
    expect(e.file).toBe("models");
    expect(e.found).toBe("gpt-9");
    expect(inputErrorOf(() => paperReplication({ replicates: 0 })).found).toBe("0");
  });
});
