import type { Command } from "commander";
import { z } from "zod";
import type { ProtocolModule } from "../protocols/Protocol.js";
import { PROTOCOLS } from "../protocols/registry.js";

/** `teamsim protocols`: lists the team protocols, as the registry describes them. */
export function registerProtocolsCommand(program: Command): void {
  program
    .command("protocols")
    .description("list the team protocols (the values of team.protocol)")
    .option("--json", "print each protocol's description: tasks, nodes, example, laws, options")
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(PROTOCOLS.map(protocolData), null, 2)}\n`);
        return;
      }
      const width = Math.max(...PROTOCOLS.map((p) => p.name.length)) + 1;
      for (const p of PROTOCOLS) process.stdout.write(`${p.name.padEnd(width)} ${p.summary}\n`);
    });
}

// A protocol module as plain data (its fits become the names of the laws it maps onto).
function protocolData(p: ProtocolModule) {
  const fits = Object.entries(p.law.fits ?? {});
  const { $schema: _, ...options } = z.toJSONSchema(p.schema, {
    io: "input",
    unrepresentable: "any",
  });
  return {
    name: p.name,
    summary: p.summary,
    tasks: p.tasks,
    extra_nodes: p.extraNodes ?? [],
    example: p.example,
    laws: fits.filter(([, fit]) => typeof fit === "function").map(([law]) => law),
    no_closed_form: p.law.none ?? null,
    options,
  };
}
