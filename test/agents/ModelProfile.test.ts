import { describe, expect, it } from "vitest";
import { ModelProfileSchema } from "../../src/agents/ModelProfile.js";
import { parseSourceText, validateDocument } from "../../src/scenario/validateYaml.js";

const HEAD = `name: m
provider: x
skill: {value: 0, source: s}
context_window: {tokens: 1000, source: s}
price: {input_per_mtok: 1, output_per_mtok: 1, source: s}
tokens: {output: 10, source: s}
`;

function load(latency: string) {
  return validateDocument(
    parseSourceText("m.yaml", `${HEAD}latency:\n${latency}`),
    ModelProfileSchema,
  );
}

describe("ModelProfile latency", () => {
  it("takes ttft + decode speed, or a whole-call distribution instead", () => {
    expect(load("  ttft: 0.5\n  decode_tokens_per_s: 100\n  source: s\n").latency.ttft).toEqual({
      dist: "fixed",
      value: 0.5,
    });
    const p = load(
      "  call:\n    dist: mixture\n    components:\n      - { weight: 0.6, dist: lognormal, median_s: 2, sigma: 0.5 }\n      - { weight: 0.4, dist: gamma, shape: 3, scale_s: 8 }\n  source: s\n",
    );
    expect(p.latency.call).toEqual({
      dist: "mixture",
      components: [
        { weight: 0.6, dist: "lognormal", median: 2, sigma: 0.5 },
        { weight: 0.4, dist: "gamma", shape: 3, scale: 8 },
      ],
    });
    expect(p.latency.ttft).toBeUndefined();
  });

  it("needs ttft and decode_tokens_per_s when there is no call distribution", () => {
    expect(() => load("  ttft: 0.5\n  source: s\n")).toThrow(
      /m\.yaml:\d+:\d+: latency\.decode_tokens_per_s: expected decode_tokens_per_s \(or a whole-call latency distribution in latency\.call\), found nothing/,
    );
  });

  it("rejects ttft, decode or prefill speeds beside a call distribution", () => {
    expect(() =>
      load("  call: {dist: lognormal, median_s: 3, sigma: 1}\n  ttft: 0.5\n  source: s\n"),
    ).toThrow(/m\.yaml:\d+:\d+: latency\.ttft: expected no ttft when call is given/);
  });

  it("names the mixture's weights when they do not sum to 1", () => {
    expect(() =>
      load(
        "  call:\n    dist: mixture\n    components:\n      - { weight: 0.6, dist: lognormal, median_s: 2, sigma: 0.5 }\n      - { weight: 0.3, dist: lognormal, median_s: 9, sigma: 0.5 }\n  source: s\n",
      ),
    ).toThrow(/latency\.call\.components: expected component weights that sum to 1/);
  });
});
