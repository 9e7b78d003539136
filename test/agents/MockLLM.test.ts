import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { correctProbability } from "../../src/agents/correctProbability.js";
import { type CallResult, MockLLM } from "../../src/agents/MockLLM.js";
import { type ModelProfile, ModelProfileSchema } from "../../src/agents/ModelProfile.js";
import { Rng } from "../../src/core/Rng.js";
import { Simulation } from "../../src/core/Simulation.js";
import { NO_TRACE } from "../../src/core/Trace.js";

function profile(
  over: Record<string, unknown> = {},
  failures: Record<string, unknown> = {},
): ModelProfile {
  return ModelProfileSchema.parse({
    name: "test-model",
    provider: "test",
    skill: { value: 0, source: "test" },
    context_window: { tokens: 10_000, source: "test" },
    price: { input_per_mtok: 3, output_per_mtok: 15, source: "test" },
    latency: {
      ttft: { dist: "fixed", value_s: 0.5 },
      decode_tokens_per_s: 100,
      prefill_tokens_per_s: 1000,
      source: "test",
    },
    tokens: { output: 200, source: "test" },
    failures: { source: "test", ...failures },
    ...over,
  });
}

function callOnce(
  p: ModelProfile,
  inputTokens = 500,
  extra: Partial<Parameters<MockLLM["call"]>[0]> = {},
) {
  const sim = new Simulation();
  const agent = new MockLLM("agent-0", 0, p, sim, new Rng(1), NO_TRACE);
  let result: CallResult | undefined;
  let at = -1;
  agent.call({ inputTokens, ...extra }, (r) => {
    result = r;
    at = sim.now;
  });
  sim.run();
  return { result: result as CallResult, at, agent };
}

describe("MockLLM", () => {
  it("latency = TTFT + output/decode + input/prefill, cost from per-million prices", () => {
    const { result, at } = callOnce(profile());
    // 0.5 + 200/100 + 500/1000 = 3.0 s; cost = (500*3 + 200*15)/1e6 = $0.0045
    expect(at).toBeCloseTo(3.0, 12);
    expect(result).toMatchObject({ ok: true, inputTokens: 500, outputTokens: 200, attempts: 1 });
    expect(result.latencyS).toBeCloseTo(3.0, 12);
    expect(result.costUsd).toBeCloseTo(0.0045, 15);
  });

  it("retries transient errors with exponential backoff, then gives up", () => {
    const p = profile(
      {},
      {
        transient_error_rate: 1,
        error_latency: { dist: "fixed", value_s: 0.5 },
        retry: { max_attempts: 4, base_backoff_s: 1, max_backoff_s: 3, jitter: "none" },
      },
    );
    const { result, at, agent } = callOnce(p);
    // 4 failed attempts of 0.5 s + backoffs min(3, 1*2^(k-1)) for k=1..3: 1 + 2 + 3
    expect(at).toBeCloseTo(4 * 0.5 + 1 + 2 + 3, 12);
    expect(result).toMatchObject({
      ok: false,
      error: "retries_exhausted",
      attempts: 4,
      costUsd: 0,
    });
    expect(agent.counters).toMatchObject({
      calls: 1,
      attempts: 4,
      retries: 3,
      failedCalls: 1,
      costUsd: 0,
    });
  });

  it("full jitter keeps each backoff within [0, cap]", () => {
    const p = profile(
      {},
      {
        transient_error_rate: 1,
        error_latency: { dist: "fixed", value_s: 0 },
        retry: { max_attempts: 2, base_backoff_s: 8, max_backoff_s: 60, jitter: "full" },
      },
    );
    for (let seed = 0; seed < 50; seed++) {
      const sim = new Simulation();
      const agent = new MockLLM("agent-0", 0, p, sim, new Rng(seed), NO_TRACE);
      let at = -1;
      agent.call({ inputTokens: 1 }, () => {
        at = sim.now;
      });
      sim.run();
      expect(at).toBeGreaterThanOrEqual(0);
      expect(at).toBeLessThanOrEqual(8);
    }
  });

  it("fails the given fraction of attempts and succeeds after retrying", () => {
    const p = profile({}, { transient_error_rate: 0.3, retry: { max_attempts: 50 } });
    const sim = new Simulation();
    const agent = new MockLLM("agent-0", 0, p, sim, new Rng(4), NO_TRACE);
    let ok = 0;
    for (let i = 0; i < 5000; i++) agent.call({ inputTokens: 10 }, (r) => void (r.ok && ok++));
    sim.run();
    const c = agent.counters;
    expect(ok).toBe(5000);
    // Failed attempts / attempts estimates the error rate: binomial sd over ~7100 attempts.
    const rate = c.retries / c.attempts;
    expect(Math.abs(rate - 0.3)).toBeLessThan(5 * Math.sqrt((0.3 * 0.7) / c.attempts));
  });

  it("a straggler's latency is multiplied", () => {
    const p = profile({}, { straggler: { probability: 1, multiplier: 3 } });
    const { result } = callOnce(p);
    expect(result.latencyS).toBeCloseTo(9.0, 12);
    expect(result.straggler).toBe(true);
  });

  it("a crash fails calls in flight at the crash time, and later calls at once", () => {
    const sim = new Simulation();
    const agent = new MockLLM("agent-0", 0, profile(), sim, new Rng(1), NO_TRACE);
    const results: [number, CallResult][] = [];
    agent.call({ inputTokens: 500 }, (r) => results.push([sim.now, r]));
    sim.schedule(1, () => agent.crash());
    sim.schedule(2, () => agent.call({ inputTokens: 500 }, (r) => results.push([sim.now, r])));
    sim.run();
    expect(results.map(([t, r]) => [t, r.error])).toEqual([
      [1, "crashed"],
      [2, "crashed"],
    ]);
    expect(agent.counters.costUsd).toBe(0);
    agent.recover();
    expect(agent.isAlive).toBe(true);
  });

  it("a prompt longer than the context window is rejected without retries", () => {
    const { result } = callOnce(profile(), 20_000);
    expect(result).toMatchObject({ ok: false, error: "context_overflow" });
  });

  it("answers right with the skill-shifted probability and spreads wrong answers over the wrong choices", () => {
    const sim = new Simulation();
    const agent = new MockLLM(
      "agent-0",
      0,
      profile({ skill: { value: 1, source: "t" } }),
      sim,
      new Rng(2),
      NO_TRACE,
    );
    const answers = [0, 0, 0, 0];
    const n = 20_000;
    for (let i = 0; i < n; i++)
      agent.call({ inputTokens: 1, pRef: 0.6, choices: 4 }, (r) => answers[r.answer]++);
    sim.run();
    const p = correctProbability(0.6, 1);
    expect(Math.abs(answers[0] / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    const wrong = n - answers[0];
    for (let a = 1; a < 4; a++)
      expect(Math.abs(answers[a] / wrong - 1 / 3)).toBeLessThan(5 * Math.sqrt(2 / 9 / wrong));
  });

  it("a random crash rate crashes agents at exponential times", () => {
    const p = profile({}, { crash_rate_per_hour: 1 });
    let crashedBy1h = 0;
    const runs = 2000;
    for (let seed = 0; seed < runs; seed++) {
      const sim = new Simulation();
      const agent = new MockLLM("agent-0", 0, p, sim, new Rng(seed), NO_TRACE);
      agent.start();
      sim.run({ until: 3600 });
      if (!agent.isAlive) crashedBy1h++;
    }
    const expected = 1 - Math.exp(-1);
    expect(Math.abs(crashedBy1h / runs - expected)).toBeLessThan(
      5 * Math.sqrt((expected * (1 - expected)) / runs),
    );
  });
});

describe("MockLLM with a whole-call latency (latency.call)", () => {
  const callLatency = (call: unknown, failures: Record<string, unknown> = {}) =>
    profile({ latency: { call, source: "test" } }, failures);

  it("draws the call's latency from latency.call, whatever the tokens", () => {
    const p = callLatency({ dist: "fixed", value_s: 4.2 });
    expect(callOnce(p, 500).at).toBeCloseTo(4.2, 12);
    const { result } = callOnce(p, 9000, { outputTokens: 5000 });
    expect(result.latencyS).toBeCloseTo(4.2, 12);
    expect(result.outputTokens).toBe(5000);
  });

  it("stragglers and slowdowns still multiply it", () => {
    const p = callLatency(
      { dist: "fixed", value_s: 2 },
      { straggler: { probability: 1, multiplier: { dist: "fixed", value: 3 } } },
    );
    expect(callOnce(p).at).toBeCloseTo(6, 12);
    const sim = new Simulation();
    const agent = new MockLLM("agent-0", 0, p, sim, new Rng(1), NO_TRACE);
    agent.setSlowdown({ dist: "fixed", value: 1.5 });
    let at = -1;
    agent.call({ inputTokens: 10 }, () => {
      at = sim.now;
    });
    sim.run();
    expect(at).toBeCloseTo(9, 12);
  });

  it("samples a mixture through the agent's latency stream", () => {
    const p = callLatency({
      dist: "mixture",
      components: [
        { weight: 0.75, dist: "fixed", value_s: 1 },
        { weight: 0.25, dist: "fixed", value_s: 30 },
      ],
    });
    const sim = new Simulation();
    const agent = new MockLLM("agent-0", 0, p, sim, new Rng(4), NO_TRACE);
    const latencies: number[] = [];
    for (let i = 0; i < 4000; i++)
      agent.call({ inputTokens: 10 }, (r) => latencies.push(r.latencyS));
    sim.run();
    const slow = latencies.filter((x) => Math.abs(x - 30) < 1e-9).length / latencies.length;
    expect(latencies.every((x) => Math.abs(x - 1) < 1e-9 || Math.abs(x - 30) < 1e-9)).toBe(true);
    // Binomial standard error sqrt(0.25 * 0.75 / 4000) = 0.0068; 4 of them.
    expect(Math.abs(slow - 0.25)).toBeLessThan(4 * 0.0068);
  });
});

describe("correctProbability", () => {
  it("skill 0 leaves p unchanged and certain items stay certain", () => {
    expect(correctProbability(0.7, 0)).toBe(0.7);
    expect(correctProbability(1, -3)).toBe(1);
    expect(correctProbability(0, 3)).toBe(0);
  });

  it("shifts log-odds: logit(p') = logit(p) + skill", () => {
    const p = correctProbability(0.5, Math.log(3));
    expect(p).toBeCloseTo(0.75, 12);
  });

  it("property: monotone in skill and stays in (0, 1)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0.01, max: 2, noNaN: true }),
        (p, s, d) => {
          const a = correctProbability(p, s);
          const b = correctProbability(p, s + d);
          expect(a).toBeGreaterThan(0);
          expect(b).toBeLessThanOrEqual(1);
          expect(b).toBeGreaterThanOrEqual(a);
        },
      ),
    );
  });
});
