import { describe, expect, it } from "vitest";
import type { ModelProfile } from "../../src/agents/ModelProfile.js";
import { ModelProfileSchema } from "../../src/agents/ModelProfile.js";
import {
  profileOverrideIssues,
  profileToInput,
  profileWithOverrides,
} from "../../src/agents/profileWithOverrides.js";
import { loadModelProfiles } from "../../src/scenario/loadModelProfiles.js";

const profiles = loadModelProfiles();
const GPT4O = profiles.get("gpt-4o") as ModelProfile;
// Its whole-call latency is a two-component mixture (a list inside a distribution).
const SONNET = profiles.get("claude-sonnet-4-6") as ModelProfile;

describe("profileToInput", () => {
  it("spells every shipped profile so that it validates back to itself", () => {
    for (const p of profiles.values())
      expect(ModelProfileSchema.parse(profileToInput(p))).toEqual(p);
  });
});

describe("profileWithOverrides", () => {
  it("merges objects field by field, keeping what the overrides leave out", () => {
    const p = profileWithOverrides(GPT4O, { price: { input_per_mtok: 1 }, skill: { value: 0.5 } });
    expect(p.price).toEqual({ ...GPT4O.price, input_per_mtok: 1 });
    expect(p.skill).toEqual({ ...GPT4O.skill, value: 0.5 });
    expect({ ...p, price: GPT4O.price, skill: GPT4O.skill }).toEqual(GPT4O);
  });

  it("replaces a distribution given with its kind, instead of mixing two kinds' parameters", () => {
    const p = profileWithOverrides(GPT4O, {
      latency: { ttft: { dist: "gamma", shape: 2, scale_s: 0.3 } },
    });
    expect(p.latency.ttft).toEqual({ dist: "gamma", shape: 2, scale: 0.3 });
    expect(p.latency.decode_tokens_per_s).toEqual(GPT4O.latency.decode_tokens_per_s);
    // The same kind again is replaced too: no parameter of the old one survives.
    const q = profileWithOverrides(GPT4O, {
      latency: { ttft: { dist: "lognormal", median_s: 2, sigma: 0 } },
    });
    expect(q.latency.ttft).toEqual({ dist: "lognormal", median: 2, sigma: 0 });
  });

  it("merges into a distribution given without its kind (one parameter changed)", () => {
    const p = profileWithOverrides(GPT4O, { latency: { ttft: { median_s: 2 } } });
    expect(p.latency.ttft).toEqual({ dist: "lognormal", median: 2, sigma: 0.3 });
  });

  it("replaces numbers and lists whole", () => {
    // A bare number is a fixed distribution.
    expect(
      profileWithOverrides(GPT4O, { latency: { decode_tokens_per_s: 50 } }).latency
        .decode_tokens_per_s,
    ).toEqual({ dist: "fixed", value: 50 });
    // A mixture's components: the list is the override's, not merged item by item.
    const one = { weight: 1, dist: "lognormal", median_s: 3, sigma: 0.5 };
    const p = profileWithOverrides(SONNET, { latency: { call: { components: [one] } } });
    expect(p.latency.call).toEqual({
      dist: "mixture",
      components: [{ weight: 1, dist: "lognormal", median: 3, sigma: 0.5 }],
    });
  });

  it("leaves the profile itself unchanged", () => {
    const before = structuredClone(GPT4O);
    profileWithOverrides(GPT4O, { price: { input_per_mtok: 7 }, latency: { ttft: 3 } });
    expect(GPT4O).toEqual(before);
  });

  it("gives the profile itself for no overrides, and one profile per overrides object", () => {
    expect(profileWithOverrides(GPT4O, {})).toBe(GPT4O);
    const overrides = { skill: { value: 1 } };
    const a = profileWithOverrides(GPT4O, overrides);
    expect(profileWithOverrides(GPT4O, overrides)).toBe(a);
    const b = profileWithOverrides(GPT4O, { skill: { value: 1 } });
    expect(b).not.toBe(a);
    expect(b).toEqual(a);
  });

  it("rejects a new name: the name identifies the model", () => {
    expect(profileOverrideIssues(GPT4O, { name: "gpt-4o-fast" })).toMatchObject([
      { path: ["name"], message: expect.stringContaining("expected no name") },
    ]);
    expect(() => profileWithOverrides(GPT4O, { name: "gpt-4o-fast" })).toThrow(
      /overrides of gpt-4o .*name: expected no name/,
    );
  });

  it("validates the result like a profile, with problems at their paths in the overrides", () => {
    expect(profileOverrideIssues(GPT4O, { skill: { value: 1 } })).toEqual([]);
    expect(profileOverrideIssues(GPT4O, { skill: { value: "x" } })).toMatchObject([
      { code: "invalid_type", path: ["skill", "value"] },
    ]);
    expect(profileOverrideIssues(GPT4O, { price: { input_per_mtok: -1 } })).toMatchObject([
      { code: "too_small", path: ["price", "input_per_mtok"] },
    ]);
    expect(profileOverrideIssues(GPT4O, { latency: { ttft: { mean_s: 1 } } })).toMatchObject([
      { code: "unrecognized_keys", path: ["latency", "ttft"], keys: ["mean_s"] },
    ]);
    expect(() =>
      profileWithOverrides(GPT4O, { latency: { ttft: { dist: "lognormal", median_s: -1 } } }),
    ).toThrow(/overrides of gpt-4o do not make a valid profile: latency\.ttft/);
  });

  it("locates a broken rule between fields at the part of the overrides that broke it", () => {
    // A whole-call latency with ttft still there (from the profile): no ttft when call is given.
    const issues = profileOverrideIssues(GPT4O, { latency: { call: 3 } });
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(issue.path).toEqual(["latency"]);
      expect(issue.message).toMatch(/when call is given .* at latency\.\w+ of gpt-4o/);
    }
  });
});
