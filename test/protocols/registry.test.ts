import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findLaw } from "../../src/analytic/laws.js";
import { PROTOCOLS } from "../../src/protocols/registry.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";
import { scenarioJsonSchema } from "../../src/scenario/scenarioJsonSchema.js";

const ROOT = join(import.meta.dirname, "../..");

// Every protocol describes itself: these hold for any module added to the registry.
describe.each(PROTOCOLS.map((p) => [p.name, p] as const))("%s", (name, p) => {
  it("has a summary and runs some task family", () => {
    expect(p.summary.length).toBeGreaterThan(20);
    expect(p.tasks.length).toBeGreaterThan(0);
  });

  it("has an example scenario that uses it", () => {
    expect(p.example).toMatch(/^scenarios\/.+\.yaml$/);
    const loaded = loadScenario(join(ROOT, p.example));
    expect(loaded.scenario.team.protocol).toBe(name);
  });

  it("maps onto known laws, or says why none applies", () => {
    const fits = Object.entries(p.law.fits ?? {});
    for (const [law, fit] of fits) {
      expect(findLaw(law), law).toBeDefined();
      if (typeof fit === "string") expect(fit.length, law).toBeGreaterThan(10);
    }
    if (!fits.some(([, fit]) => typeof fit === "function")) {
      expect(p.law.none?.length).toBeGreaterThan(20);
    }
  });
});

describe("the registry", () => {
  it("names each protocol once", () => {
    const names = PROTOCOLS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("says which protocols have no closed form for their accuracy or speedup", () => {
    const none = PROTOCOLS.filter((p) => p.law.none !== undefined).map((p) => p.name);
    expect(none).toContain("debate");
    expect(none).toContain("decentralized");
    expect(none).not.toContain("independent");
  });

  it("puts every protocol and its option descriptions in the JSON Schema", () => {
    const schema = JSON.stringify(scenarioJsonSchema());
    for (const p of PROTOCOLS) expect(schema).toContain(`"${p.name}: ${p.summary}"`);
    // An option's doc is its .meta description.
    expect(schema).toContain("break ties uniformly at random");
  });
});
