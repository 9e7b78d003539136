import type { ModelProfile } from "../agents/ModelProfile.js";
import { compareQuantiles, fitLatency, type QuantilePair } from "../analytic/fitLatency.js";
import { fitLognormal } from "../analytic/fitLognormal.js";
import { sampleQuantile } from "../analytic/sampleQuantile.js";
import { type DistSpec, distMean } from "../core/Distribution.js";
import { distToInput } from "../core/distributionSchema.js";
import { InputError } from "../core/InputError.js";
import type { CallTrace, TraceCall } from "../scenario/TraceCall.js";

/** What `calibrateProfile` needs besides the traces. */
export interface CalibrateOptions {
  /** The model to calibrate; required when the traces hold several. */
  model?: string;
  /** The profile whose price, skill, context window, retry policy and crash rate are kept. */
  base?: { path: string; profile: ModelProfile };
  /** YYYY-MM-DD, written into every source (never read from a clock here). */
  date: string;
}

/** One fitted latency candidate as reported (the distribution in the profile's file spelling). */
export interface ReportedCandidate {
  name: string;
  spec: Record<string, unknown>;
  params: number;
  log_lik: number;
  aic: number;
  bic: number;
  ks: number;
}

/** What calibration found, for `--json` and the readable summary. */
export interface CalibrationReport {
  model: string;
  date: string;
  inputs: { path: string; format: string; calls: number }[];
  /** Successful calls of the model (the latency sample). */
  calls: number;
  failed_calls: number;
  latency: {
    chosen: string;
    candidates: ReportedCandidate[];
    /** Quantiles of the data beside those of the chosen fit as written (rounded). */
    quantiles: QuantilePair[];
  };
  output_tokens: {
    recorded: "per-call" | "run-average";
    spec: Record<string, unknown>;
    data_mean: number;
    fitted_mean: number;
    data_median: number;
  } | null;
  input_tokens: { recorded: "per-call" | "run-average"; median: number; mean: number } | null;
  /** Failed / all calls where the inputs record failures, else null (unknown). */
  transient_error_rate: number | null;
}

/** A calibrated profile (in the file spelling of models/*.yaml) and the report behind it. */
export interface Calibration {
  report: CalibrationReport;
  profile: Record<string, unknown>;
}

/** Rounds to 4 significant digits (what the profile file keeps). */
export function round4(x: number): number {
  return Number(x.toPrecision(4));
}

// 4 significant digits (weights too, so a small one never rounds to 0); the
// last weight of a mixture takes the rest, to 6 decimals, so that the written
// weights still sum to 1 within the schema's 1e-6.
function roundSpec(spec: DistSpec): DistSpec {
  if (spec.dist === "mixture") {
    let sum = 0;
    const last = spec.components.length - 1;
    const components = spec.components.map((c, i) => {
      const r = roundSpec(c) as typeof c;
      const weight = i === last ? Number((1 - sum).toFixed(6)) : round4(c.weight);
      sum += weight;
      return { ...r, weight };
    });
    return { dist: "mixture", components };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) out[k] = typeof v === "number" ? round4(v) : v;
  return out as DistSpec;
}

/** A number for a source text: 4 significant digits, thousands separated. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const r = Math.abs(x) >= 1000 ? Math.round(x) : round4(x);
  return r.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function percent(x: number): string {
  return `${round4(100 * x)}%`;
}

// Which model to calibrate: the one asked for, or the only one there is.
function pickModel(traces: readonly CallTrace[], asked: string | undefined): string {
  const where = traces.map((t) => t.path).join(", ");
  const models = [...new Set(traces.flatMap((t) => t.calls.map((c) => c.model)))].sort();
  if (asked !== undefined) {
    if (!models.includes(asked)) {
      throw new InputError(
        where,
        "",
        undefined,
        undefined,
        `calls of model ${JSON.stringify(asked)} (--model)`,
        `only ${models.join(", ")}`,
      );
    }
    return asked;
  }
  if (models.length > 1) {
    throw new InputError(
      where,
      "",
      undefined,
      undefined,
      "--model NAME to say which model to calibrate",
      `several models: ${models.join(", ")}`,
    );
  }
  return models[0];
}

function describeInputs(traces: readonly CallTrace[]): string {
  const names = {
    paper: "the paper's CSV layout",
    otlp: "OTLP/JSON GenAI spans",
    jsonl: "a JSONL call log",
  };
  return traces.map((t) => `${t.path} (${names[t.format]})`).join(", ");
}

/**
 * Fits a model profile to traces of LLM calls: the whole-call latency of the
 * successful calls (lognormal, gamma or two-lognormal mixture, chosen by BIC;
 * see fitLatency), a lognormal of the output tokens per call, and the share of
 * failed calls as the transient error rate. Price, skill, context window,
 * retry policy and crash rate come from `options.base` (else placeholders).
 * Every group gets a source naming the inputs, the number of calls, the fit
 * and `options.date`. Bad or insufficient data is an InputError naming the input.
 */
export function calibrateProfile(
  traces: readonly CallTrace[],
  options: CalibrateOptions,
): Calibration {
  for (const t of traces) {
    if (t.calls.length === 0) {
      const what =
        t.format === "otlp"
          ? "no GenAI model-call spans"
          : t.format === "jsonl"
            ? "no calls (an empty log)"
            : "no calls";
      throw new InputError(t.path, "", undefined, undefined, "at least one LLM call", what);
    }
  }
  const model = pickModel(traces, options.model);
  const inputs = traces.map((t) => ({
    path: t.path,
    format: t.format,
    calls: t.calls.filter((c) => c.model === model).length,
  }));
  const where = traces.map((t) => t.path).join(", ");
  const mine = (t: CallTrace) => t.calls.filter((c) => c.model === model);
  const all: TraceCall[] = traces.flatMap(mine);
  const ok = all.filter((c) => c.ok);
  const latencies = ok.map((c) => c.latency_s);
  const zero = latencies.filter((x) => !(x > 0)).length;
  if (zero > 0) {
    throw new InputError(
      where,
      "",
      undefined,
      undefined,
      `successful calls of ${model} with latency > 0`,
      `${zero} with latency 0`,
    );
  }
  if (latencies.length < 2 || latencies.every((x) => x === latencies[0])) {
    throw new InputError(
      where,
      "",
      undefined,
      undefined,
      `at least 2 successful calls of ${model} with different latencies`,
      latencies.length < 2
        ? `${latencies.length} successful calls`
        : `${latencies.length} successful calls, all of ${latencies[0]} s`,
    );
  }
  const fit = fitLatency(latencies);
  const chosenSpec = roundSpec(fit.chosen.spec);
  const quantiles = compareQuantiles(latencies, chosenSpec);
  const inputsText = describeInputs(traces);
  const base = options.base;
  const stamp = `teamsim calibrate, ${options.date}, on ${inputsText}, model ${model}`;

  const q = (p: number) => quantiles.find((x) => x.p === p) as QuantilePair;
  const latencySource = [
    `${stamp}: whole-call latency of ${fmt(ok.length)} successful calls, fitted by maximum likelihood.`,
    `BIC (lower is better): ${fit.candidates.map((c) => `${c.name} ${fmt(c.bic)}`).join(", ")};`,
    `chosen ${fit.chosen.name}, KS distance ${fit.chosen.ks.toFixed(3)}.`,
    `Quantiles data / fitted: ${[0.1, 0.5, 0.9, 0.99].map((p) => `p${Math.round(p * 100)} ${fmt(q(p).data)} / ${fmt(q(p).fitted)} s`).join(", ")}.`,
  ].join(" ");

  // Output and input tokens: per call where the trace has them, else run averages.
  const outTok: number[] = [];
  const inTok: number[] = [];
  let tokenKind: "per-call" | "run-average" = "per-call";
  for (const t of traces) {
    for (const c of mine(t)) {
      if (!c.ok) continue;
      if (
        t.tokens === "run-average" &&
        (c.output_tokens !== undefined || c.input_tokens !== undefined)
      )
        tokenKind = "run-average";
      if (c.output_tokens !== undefined) outTok.push(c.output_tokens);
      if (c.input_tokens !== undefined) inTok.push(c.input_tokens);
    }
  }
  const positiveOut = outTok.filter((x) => x > 0);
  let outputTokens: CalibrationReport["output_tokens"] = null;
  let tokensBlock: Record<string, unknown>;
  const approx =
    tokenKind === "run-average"
      ? " The paper's layout records tokens per run only, so each call counts its run's output_tokens / calls: an approximation that keeps the mean but understates the per-call spread."
      : "";
  const inputTokens: CalibrationReport["input_tokens"] =
    inTok.length > 0
      ? {
          recorded: tokenKind,
          median: sampleQuantile(Float64Array.from(inTok).sort(), 0.5),
          mean: inTok.reduce((a, b) => a + b, 0) / inTok.length,
        }
      : null;
  const inputText =
    inputTokens === null
      ? ""
      : ` Input tokens per call (not part of the profile${tokenKind === "run-average" ? "; run averages" : ""}): median ${fmt(inputTokens.median)}, mean ${fmt(inputTokens.mean)}.`;
  if (positiveOut.length > 0) {
    // Every call the same size (e.g. one run's average): a fixed count.
    const same = positiveOut.every((x) => x === positiveOut[0]);
    const spec = roundSpec(
      same ? { dist: "fixed", value: positiveOut[0] } : fitLognormal(positiveOut),
    );
    const how = same
      ? `every one of the ${fmt(positiveOut.length)} successful calls has ${fmt(positiveOut[0])} output tokens`
      : `lognormal fitted by maximum likelihood to the output tokens of ${fmt(positiveOut.length)} successful calls`;
    const dataMean = outTok.reduce((a, b) => a + b, 0) / outTok.length;
    outputTokens = {
      recorded: tokenKind,
      spec: distToInput(spec),
      data_mean: dataMean,
      fitted_mean: distMean(spec),
      data_median: sampleQuantile(Float64Array.from(outTok).sort(), 0.5),
    };
    const zeros = outTok.length - positiveOut.length;
    tokensBlock = {
      output: distToInput(spec),
      source: [
        `${stamp}: ${how}${zeros > 0 ? ` (${zeros} with 0 tokens left out)` : ""}.${approx}`,
        `Mean per call: data ${fmt(dataMean)}, fitted ${fmt(distMean(spec))}.${inputText}`,
      ].join(" "),
    };
  } else if (base !== undefined) {
    tokensBlock = {
      output: distToInput(base.profile.tokens.output),
      source: `From ${base.path} (the inputs have no output tokens per call): ${base.profile.tokens.source}`,
    };
  } else {
    tokensBlock = {
      output: { dist: "lognormal", median: 300, sigma: 1 },
      source: `Placeholder until calibrated: the inputs (${inputsText}) have no output tokens and no --base profile was given.${inputText}`,
    };
  }

  // Failures: measured where the inputs record them.
  const recording = traces.filter((t) => t.recordsErrors).flatMap(mine);
  const failed = all.filter((c) => !c.ok);
  const rate =
    recording.length > 0 ? recording.filter((c) => !c.ok).length / recording.length : null;
  const failedLatencies = failed.map((c) => c.latency_s).filter((x) => x > 0);
  const baseFailures = base?.profile.failures;
  let errorLatency: Record<string, unknown> = baseFailures
    ? distToInput(baseFailures.error_latency, "_s")
    : { dist: "lognormal", median_s: 0.5, sigma: 0.5 };
  let errorLatencyText = base ? `error_latency from ${base.path}` : "error_latency a placeholder";
  if (failedLatencies.length >= 5 && !failedLatencies.every((x) => x === failedLatencies[0])) {
    errorLatency = distToInput(roundSpec(fitLognormal(failedLatencies)), "_s");
    errorLatencyText = `error_latency: lognormal fitted to the latencies of the ${failedLatencies.length} failed calls`;
  }
  const rateText =
    rate === null
      ? `transient_error_rate unknown, set to 0: ${traces
          .filter((t) => !t.recordsErrors)
          .map((t) => t.path)
          .join(
            ", ",
          )} holds only completed replies (any client retries are inside their latencies).`
      : `transient_error_rate = ${failed.length} failed of ${fmt(recording.length)} calls (${percent(rate)}).`;
  const failures = {
    transient_error_rate: rate === null ? 0 : Number(rate.toPrecision(4)),
    error_latency: errorLatency,
    retry: baseFailures
      ? { ...baseFailures.retry }
      : { max_attempts: 5, base_backoff_s: 1, max_backoff_s: 60, jitter: "full" },
    crash_rate_per_hour: baseFailures?.crash_rate_per_hour ?? 0,
    straggler: {
      probability: 0,
      multiplier: baseFailures
        ? distToInput(baseFailures.straggler.multiplier)
        : { dist: "pareto", scale: 2, alpha: 1.5 },
    },
    source: [
      `${stamp}: ${rateText}`,
      `${errorLatencyText}.`,
      "Straggler probability 0: the fitted whole-call latency already has the slow tail, so stragglers would count it twice (the multiplier is unused at 0).",
      base
        ? `Retry policy and crash_rate_per_hour from ${base.path}.`
        : "Retry policy (5 attempts, exponential backoff with full jitter) and crash_rate_per_hour 0 are placeholders until calibrated.",
    ].join(" "),
  };

  const placeholder =
    "placeholder until calibrated: no --base profile was given to teamsim calibrate";
  const profile: Record<string, unknown> = {
    name: base?.profile.name ?? model,
    provider: base?.profile.provider ?? "unknown",
    description:
      base?.profile.description ??
      `${model}: latency, tokens and failures calibrated by teamsim calibrate on ${traces.map((t) => t.path).join(", ")}.`,
    skill: base
      ? { ...base.profile.skill }
      : { value: 0, source: `${placeholder} (skill 0 is the reference model's)` },
    context_window: base
      ? { ...base.profile.context_window }
      : {
          tokens: 1_000_000,
          source: `${placeholder} (1M tokens, large enough not to limit calls)`,
        },
    price: base
      ? { ...base.profile.price }
      : {
          input_per_mtok: 0,
          output_per_mtok: 0,
          source: `${placeholder} (set from the provider's price list)`,
        },
    latency: { call: distToInput(chosenSpec, "_s"), source: latencySource },
    tokens: tokensBlock,
    failures,
  };
  if (profile.description === undefined) delete profile.description;

  const report: CalibrationReport = {
    model,
    date: options.date,
    inputs,
    calls: ok.length,
    failed_calls: failed.length,
    latency: {
      chosen: fit.chosen.name,
      candidates: fit.candidates.map((c) => ({
        name: c.name,
        spec: distToInput(roundSpec(c.spec), "_s"),
        params: c.params,
        log_lik: c.logLik,
        aic: c.aic,
        bic: c.bic,
        ks: c.ks,
      })),
      quantiles,
    },
    output_tokens: outputTokens,
    input_tokens: inputTokens,
    transient_error_rate: rate,
  };
  return { report, profile };
}
