import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { Command } from "commander";
import { packageRoot } from "../src/scenario/packageRoot.js";
import { type PholdConfig, type PholdResult, pholdBaseline, pholdKernel } from "./phold.js";
import { sweepBench } from "./sweepBench.js";

function timeIt(f: () => PholdResult): { result: PholdResult; seconds: number } {
  const t0 = process.hrtime.bigint();
  const result = f();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { result, seconds };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const program = new Command("bench").description(
  "teamsim benchmarks (JSON output, ratios against a baseline measured in the same run)",
);

program
  .command("phold")
  .description("PHOLD through the kernel's schedule API vs a bare typed-array heap")
  .option("--json", "print JSON only")
  .option("--events <n>", "events to process per run", "2000000")
  .option("--reps <n>", "timed repetitions of each (median reported)", "5")
  .action((flags: { json?: boolean; events: string; reps: string }) => {
    const cfg: PholdConfig = { lps: 1000, eventsPerLp: 10, events: Number(flags.events), seed: 1 };
    // Warm up both so the JIT has compiled the hot loops before timing.
    pholdKernel({ ...cfg, events: 200_000 });
    pholdBaseline({ ...cfg, events: 200_000 });
    const kernel: number[] = [];
    const baseline: number[] = [];
    let k: PholdResult | undefined;
    let b: PholdResult | undefined;
    // Interleave the two so that machine noise hits both alike.
    for (let r = 0; r < Number(flags.reps); r++) {
      const tk = timeIt(() => pholdKernel(cfg));
      const tb = timeIt(() => pholdBaseline(cfg));
      kernel.push(tk.result.events / tk.seconds);
      baseline.push(tb.result.events / tb.seconds);
      k = tk.result;
      b = tb.result;
    }
    const eventsPerS = median(kernel);
    const baselinePerS = median(baseline);
    const out = {
      benchmark: "phold",
      lps: cfg.lps,
      initial_events_per_lp: cfg.eventsPerLp,
      events: cfg.events,
      reps: Number(flags.reps),
      events_per_s: Math.round(eventsPerS),
      baseline_events_per_s: Math.round(baselinePerS),
      ratio: Number((eventsPerS / baselinePerS).toFixed(3)),
      same_result: k?.checksum === b?.checksum && k?.finalTime === b?.finalTime,
      node: process.version,
    };
    process.stdout.write(`${JSON.stringify(out, null, flags.json ? 0 : 2)}\n`);
  });

program
  .command("sweep")
  .description("runs/s of scenarios/team-vs-single.yaml's sweep with 1 and with 2 worker threads")
  .option("--json", "print JSON only")
  .option(
    "--replicates <n>",
    "replicates per point (the scenario has 50; raised so one 1-worker sweep takes ~10 s)",
    "800",
  )
  .option("--reps <n>", "timed repetitions of each (median reported)", "3")
  .action(async (flags: { json?: boolean; replicates: string; reps: string }) => {
    const file = join(packageRoot(), "scenarios", "team-vs-single.yaml");
    const out = await sweepBench(file, Number(flags.replicates), Number(flags.reps));
    process.stdout.write(`${JSON.stringify(out, null, flags.json ? 0 : 2)}\n`);
  });

program
  .command("messages")
  .description(
    "messages/s through the runtime's nodes vs straight on the network and vs the pre-runtime protocol style (ping-pong), PBFT with 100 agents, and the kernel's PHOLD; each measurement in a fresh process",
  )
  .option("--json", "print JSON only")
  .option("--messages <n>", "deliveries per ping-pong run", "1000000")
  .option("--pairs <n>", "ping-pong pairs in flight at once", "50")
  .option("--reps <n>", "timed repetitions of each (median reported)", "5")
  .action((flags: { json?: boolean; messages: string; pairs: string; reps: string }) => {
    const child = join(import.meta.dirname, "messagesChild.js");
    const measure = (variant: string): { delivered: number; seconds: number } =>
      JSON.parse(
        execFileSync(process.execPath, [child, variant, flags.pairs, flags.messages], {
          encoding: "utf8",
        }),
      );
    const rate = (r: { delivered: number; seconds: number }) => r.delivered / r.seconds;
    const rates: Record<string, number[]> = { runtime: [], network: [], "protocol-style": [] };
    // Interleaved, so that machine noise hits every variant alike.
    for (let r = 0; r < Number(flags.reps); r++)
      for (const v of Object.keys(rates)) rates[v].push(rate(measure(v)));
    const pbft = measure("pbft100");
    const cfg: PholdConfig = { lps: 1000, eventsPerLp: 10, events: 2_000_000, seed: 1 };
    pholdKernel({ ...cfg, events: 200_000 });
    const kernel: number[] = [];
    for (let r = 0; r < Number(flags.reps); r++) {
      const t = timeIt(() => pholdKernel(cfg));
      kernel.push(t.result.events / t.seconds);
    }
    const runtime = median(rates.runtime);
    const out = {
      benchmark: "messages",
      pairs: Number(flags.pairs),
      messages: Number(flags.messages),
      reps: Number(flags.reps),
      messages_per_s: Math.round(runtime),
      network_messages_per_s: Math.round(median(rates.network)),
      protocol_style_messages_per_s: Math.round(median(rates["protocol-style"])),
      ratio_to_network: Number((runtime / median(rates.network)).toFixed(3)),
      ratio_to_protocol_style: Number((runtime / median(rates["protocol-style"])).toFixed(3)),
      pbft100_messages: pbft.delivered,
      pbft100_seconds: Number(pbft.seconds.toFixed(2)),
      pbft100_messages_per_s: Math.round(rate(pbft)),
      kernel_events_per_s: Math.round(median(kernel)),
      node: process.version,
    };
    process.stdout.write(`${JSON.stringify(out, null, flags.json ? 0 : 2)}\n`);
  });

await program.parseAsync();
