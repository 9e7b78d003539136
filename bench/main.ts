import { join } from "node:path";
import { Command } from "commander";
import { packageRoot } from "../src/scenario/packageRoot.js";
import { pbft100, pingPongNetwork, pingPongRuntime } from "./messages.js";
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
    "messages/s through the runtime's nodes vs straight on the network (ping-pong), PBFT with 100 agents, and the kernel's PHOLD, in one run",
  )
  .option("--json", "print JSON only")
  .option("--messages <n>", "deliveries per ping-pong run", "1000000")
  .option("--pairs <n>", "ping-pong pairs in flight at once", "50")
  .option("--reps <n>", "timed repetitions of each (median reported)", "5")
  .action((flags: { json?: boolean; messages: string; pairs: string; reps: string }) => {
    const pairs = Number(flags.pairs);
    const messages = Number(flags.messages);
    const reps = Number(flags.reps);
    // Warm up so the JIT has compiled both paths before timing.
    pingPongRuntime(pairs, messages / 5);
    pingPongNetwork(pairs, messages / 5);
    const runtime: number[] = [];
    const network: number[] = [];
    for (let r = 0; r < reps; r++) {
      const a = pingPongRuntime(pairs, messages);
      const b = pingPongNetwork(pairs, messages);
      runtime.push(a.delivered / a.seconds);
      network.push(b.delivered / b.seconds);
    }
    const pbft = pbft100();
    const cfg: PholdConfig = { lps: 1000, eventsPerLp: 10, events: 2_000_000, seed: 1 };
    pholdKernel({ ...cfg, events: 200_000 });
    const kernel: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t = timeIt(() => pholdKernel(cfg));
      kernel.push(t.result.events / t.seconds);
    }
    const out = {
      benchmark: "messages",
      pairs,
      messages,
      reps,
      messages_per_s: Math.round(median(runtime)),
      network_messages_per_s: Math.round(median(network)),
      ratio: Number((median(runtime) / median(network)).toFixed(3)),
      pbft100_messages: pbft.delivered,
      pbft100_seconds: Number(pbft.seconds.toFixed(2)),
      pbft100_messages_per_s: Math.round(pbft.delivered / pbft.seconds),
      kernel_events_per_s: Math.round(median(kernel)),
      node: process.version,
    };
    process.stdout.write(`${JSON.stringify(out, null, flags.json ? 0 : 2)}\n`);
  });

await program.parseAsync();
