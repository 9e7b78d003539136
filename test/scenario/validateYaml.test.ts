import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/InputError.js";
import { parseSourceText } from "../../src/scenario/validateYaml.js";

describe("parseSourceText", () => {
  it.each([
    ["[1, 2]: x\n", "f.yaml:1:1: expected a name as a mapping key, found a list as a key"],
    [
      "name: a\n? {b: 1}\n: 2\n",
      "f.yaml:2:3: expected a name as a mapping key, found a mapping as a key",
    ],
    ["team:\n  [a]: 1\n", "f.yaml:2:3: expected a name as a mapping key, found a list as a key"],
  ])("a collection as a key is an InputError, located: %j", (text, message) => {
    let err: unknown;
    try {
      parseSourceText("f.yaml", text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(message);
  });

  it("names as keys, quoted or numbers, are fine", () => {
    expect(() => parseSourceText("f.yaml", 'name: a\n"b c": 1\n3: x\n')).not.toThrow();
  });
});
