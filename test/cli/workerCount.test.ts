import { afterEach, describe, expect, it, vi } from "vitest";
import { workerCount } from "../../src/cli/workerCount.js";
import { InputError } from "../../src/core/InputError.js";

describe("workerCount (--workers of run)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("takes an integer >= 1, auto for every CPU, and the fallback without the flag", () => {
    expect(workerCount(undefined, 1, 8)).toBe(1);
    expect(workerCount("3", 1, 8)).toBe(3);
    expect(workerCount("8", 1, 8)).toBe(8);
    expect(workerCount("auto", 1, 8)).toBe(8);
  });

  it("caps more than the CPUs with sweep's warning", () => {
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(workerCount("64", 1, 2)).toBe(2);
    expect(write).toHaveBeenCalledWith(
      "teamsim: warning: --workers 64 is more than the 2 CPUs; using 2\n",
    );
  });

  it.each(["0", "-1", "1.5", "", " ", "two", "NaN", "Infinity"])(
    "refuses %j with one located line",
    (flag) => {
      expect(() => workerCount(flag, 1, 2)).toThrow(InputError);
      expect(() => workerCount(flag, 1, 2)).toThrow(
        `--workers: expected an integer >= 1, or auto (every CPU), found ${JSON.stringify(flag)}`,
      );
    },
  );
});
