/**
 * teamsim as a library: what notebooks and other programs import
 * (`import { scenarioFromObject, runScenario } from "teamsim"`).
 *
 * Build or load a scenario, run it, sweep it, set laws beside simulation,
 * recommend a team, calibrate a profile, replicate the paper, search fault
 * plans for a bug, and draw the figures. Everything here is the same code the
 * `teamsim` command runs; the CLI only adds flags, progress bars and printing.
 *
 * @packageDocumentation
 */

// ---- Scenarios: load from a file, or build from a plain object ----

export type { ModelProfile, RetryPolicy } from "./agents/ModelProfile.js";
export { ModelProfileSchema } from "./agents/ModelProfile.js";
export { InputError } from "./core/InputError.js";
export type { ProtocolModule } from "./protocols/Protocol.js";
export type { TeamConfig } from "./protocols/registry.js";
export { getProtocol, PROTOCOLS } from "./protocols/registry.js";
export { defaultModelsDir, loadModelProfiles } from "./scenario/loadModelProfiles.js";
export type { LoadedScenario, LoadScenarioOptions } from "./scenario/loadScenario.js";
export { loadScenario } from "./scenario/loadScenario.js";
export type { AgentGroup, Scenario } from "./scenario/ScenarioSchema.js";
export { scenarioSchema } from "./scenario/ScenarioSchema.js";
export type { ScenarioFromObjectOptions } from "./scenario/scenarioFromObject.js";
export { scenarioFromObject } from "./scenario/scenarioFromObject.js";
export { scenarioJsonSchema } from "./scenario/scenarioJsonSchema.js";
export { withOverrides } from "./scenario/withOverrides.js";

// ---- Running: a configuration's replicates, one replicate, its trace ----

export type { Trace, TraceEvent } from "./core/Trace.js";
export { MemoryTrace, NO_TRACE } from "./core/Trace.js";
export { JsonlFileTrace } from "./experiment/JsonlFileTrace.js";
export type { LivenessTally, RunReport, ViolationReport } from "./experiment/RunReport.js";
export type { ReplicateOptions, ReplicateOutcome } from "./experiment/runReplicate.js";
export { runReplicate } from "./experiment/runReplicate.js";
export type { RunScenarioOptions } from "./experiment/runScenario.js";
export { runScenario } from "./experiment/runScenario.js";
export type { SimulatePointOptions } from "./experiment/simulatePoint.js";
export { simulatePoint } from "./experiment/simulatePoint.js";
export type { TracedReplicate } from "./experiment/traceReplicate.js";
export { traceReplicate } from "./experiment/traceReplicate.js";
export type { MetricName, RunEndReason, RunResult } from "./metrics/RunResult.js";
export { METRICS } from "./metrics/RunResult.js";
export type { MetricRange, MetricSummary } from "./metrics/summarize.js";
export { summarize } from "./metrics/summarize.js";

// ---- Sweeps: a grid in memory, or a sweep directory's files ----

export type { SweepAxis } from "./experiment/SweepAxis.js";
export type { SweepPlan, SweepPoint } from "./experiment/SweepPlan.js";
export { sweepPlan } from "./experiment/SweepPlan.js";
export type {
  SweepInMemoryOptions,
  SweepInMemoryResult,
  SweepResult,
} from "./experiment/sweepInMemory.js";
export { sweepInMemory } from "./experiment/sweepInMemory.js";
export type { SummaryRow } from "./experiment/sweepSummary.js";
export { summaryCsv, sweepSummary } from "./experiment/sweepSummary.js";
export type { Table, TableRow } from "./viz/sweepTable.js";
export { readResultRows, readSummary } from "./viz/sweepTable.js";

// ---- Theory: laws, curves, fits, law against simulation ----

export type { LatencyFamily, LatencyFitReport } from "./analytic/fitLatency.js";
export { fitLatency } from "./analytic/fitLatency.js";
export type { Law, LawFamily } from "./analytic/Law.js";
export { findLaw, LAWS } from "./analytic/laws.js";
export type { UslFit, UslFitOptions, UslPoint } from "./analytic/usl.js";
export { fitUsl, uslCapacity, uslPeak, uslRetrograde } from "./analytic/usl.js";
export type { CompareOptions, ComparePoint, CompareReport } from "./experiment/compareLaw.js";
export { compareLaw, teamSizes } from "./experiment/compareLaw.js";
export type { LawCurve, LawCurvePoint } from "./experiment/lawCurve.js";
export { lawCurve } from "./experiment/lawCurve.js";
export type { LawMapping } from "./experiment/lawFromScenario.js";
export {
  accuracyLawName,
  costLawName,
  lawFromScenario,
  theoryAt,
} from "./experiment/lawFromScenario.js";

// ---- Decisions: recommend a team; calibrate a profile; replicate the paper ----

export type {
  CalibrateOptions,
  Calibration,
  CalibrationReport,
} from "./experiment/calibrateProfile.js";
export { calibrateProfile } from "./experiment/calibrateProfile.js";
export type {
  PaperModelMetrics,
  PaperReplication,
  PaperReplicationOptions,
} from "./experiment/paperReplication.js";
export { paperReplication } from "./experiment/paperReplication.js";
export type {
  Candidate,
  Choice,
  Objective,
  Recommendation,
  RecommendOptions,
} from "./experiment/recommend.js";
export { OBJECTIVES, recommend } from "./experiment/recommend.js";
export type { FitMetrics, ReplicationCell } from "./experiment/replicatePaper.js";
export { PAPER_TEAM_SIZES } from "./experiment/replicatePaper.js";
export { profileYaml } from "./scenario/profileYaml.js";
export { detectTraceFormat, readCallTrace } from "./scenario/readCallTrace.js";
export type { CallTrace, TraceCall, TraceFormat } from "./scenario/TraceCall.js";
export { TRACE_FORMATS } from "./scenario/TraceCall.js";

// ---- Checking: random fault plans against the checkers, shrunk ----

export type { CheckOptions, CheckResult, CheckViolation } from "./experiment/checkScenario.js";
export { checkScenario } from "./experiment/checkScenario.js";

// ---- Figures: vega-lite spec builders and rendering ----

export type { TopLevelSpec } from "vega-lite";
// The run report: a replicate's space-time (Lamport) diagram and the HTML page.
export type { BuildReportOptions, ReportData } from "./experiment/buildReport.js";
export { buildScenarioReport, buildSweepReport } from "./experiment/buildReport.js";
export type { BandOptions, BandPoint } from "./viz/bandSpec.js";
export { bandSpec } from "./viz/bandSpec.js";
export type { CdfSeries } from "./viz/cdfSpec.js";
export { cdfSpec, empiricalCdf } from "./viz/cdfSpec.js";
export type { ComparePoint as CompareFigurePoint } from "./viz/compareSpec.js";
export { compareSpec } from "./viz/compareSpec.js";
export type { CurveSeries } from "./viz/curveSpec.js";
export { curveSpec } from "./viz/curveSpec.js";
export type { FigureOptions } from "./viz/FigureOptions.js";
export { fitSpec } from "./viz/fitSpec.js";
export type {
  CallBar,
  LamportDiagram,
  LamportOptions,
  LaneMark,
  MessageArrow,
} from "./viz/lamportDiagram.js";
export { lamportDiagram } from "./viz/lamportDiagram.js";
export { latencyFitSpec } from "./viz/latencyFitSpec.js";
export type { ParetoPoint } from "./viz/paretoSpec.js";
export { paretoFront, paretoSpec } from "./viz/paretoSpec.js";
export type { RecommendPoint } from "./viz/recommendSpec.js";
export { recommendSpec } from "./viz/recommendSpec.js";
export { renderHtml } from "./viz/renderHtml.js";
export type { PngOptions } from "./viz/renderPng.js";
export { renderPng } from "./viz/renderPng.js";
export { renderSvg } from "./viz/renderSvg.js";
export type { ReplicationPoint } from "./viz/replicationSpec.js";
export { replicationSpec } from "./viz/replicationSpec.js";
export { reportHtml } from "./viz/reportHtml.js";
export type { ScaleCostPoint } from "./viz/scaleCostSpec.js";
export { scaleCostSpec } from "./viz/scaleCostSpec.js";
export type { ScalingOptions, ScalingPoint } from "./viz/scalingSpec.js";
export { scalingSpec } from "./viz/scalingSpec.js";
export type { SpeedupPoint } from "./viz/speedupSpec.js";
export { speedupSpec } from "./viz/speedupSpec.js";
export type { FigureKind, SweepFigureRequest } from "./viz/sweepFigure.js";
export { FIGURE_KINDS, sweepFigureSpec } from "./viz/sweepFigure.js";
export type { FigureFormat } from "./viz/writeFigure.js";
export { renderFigure, writeFigure } from "./viz/writeFigure.js";
