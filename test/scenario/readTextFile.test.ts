import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTextFile } from "../../src/scenario/readTextFile.js";
import { inputErrorOf } from "../helpers.js";

const dir = mkdtempSync(join(tmpdir(), "teamsim-read-"));

describe("readTextFile", () => {
  it("reads a file of exactly the limit, and refuses one byte more", () => {
    const file = join(dir, "exact.txt");
    writeFileSync(file, "é".repeat(1000)); // 2,000 bytes
    expect(readTextFile(file, 2000)).toBe("é".repeat(1000));
    expect(inputErrorOf(() => readTextFile(file, 1999, "a scenario file")).message).toBe(
      `${file}: expected a scenario file of at most 1999 bytes, found more than 1999 bytes`,
    );
  });

  it("reads a file larger than one chunk whole", () => {
    const file = join(dir, "big.txt");
    const text = "abcdefghij".repeat(300_000); // 3 MB: three chunks and a bit
    writeFileSync(file, text);
    expect(readTextFile(file)).toBe(text);
  });

  it("stops reading a device without end at the limit", () => {
    expect(inputErrorOf(() => readTextFile("/dev/zero", 3 << 20)).message).toBe(
      "/dev/zero: expected a readable file of at most 3 MB, found more than 3 MB",
    );
  });

  it("names a missing file and a directory", () => {
    expect(inputErrorOf(() => readTextFile(join(dir, "nope"))).message).toBe(
      `${join(dir, "nope")}: expected a readable file, found no such file`,
    );
    expect(inputErrorOf(() => readTextFile(dir)).message).toBe(
      `${dir}: expected a readable file, found a directory`,
    );
  });
});
