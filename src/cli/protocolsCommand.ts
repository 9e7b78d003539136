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
    .option(
      "--markdown",
      "print the reference table of docs/protocols.md (generated from the registry)",
    )
    .action((flags: { json?: boolean; markdown?: boolean }) => {
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(PROTOCOLS.map(protocolData), null, 2)}\n`);
        return;
      }
      if (flags.markdown) {
        process.stdout.write(protocolsMarkdown());
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

interface OptionSchema {
  default?: unknown;
  description?: string;
  properties?: Record<string, OptionSchema>;
}

/** The protocols as one markdown table: tasks, what the team does, options with defaults, closed forms. */
export function protocolsMarkdown(): string {
  const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  const rows = PROTOCOLS.map((p) => {
    const d = protocolData(p);
    const props = (d.options as OptionSchema).properties ?? {};
    const options = Object.entries(props)
      .filter(([name]) => name !== "protocol")
      .map(
        ([name, o]) =>
          `\`${optionWithDefault(name, o)}\`${o.description ? `: ${o.description}` : ""}`,
      );
    const laws = [
      ...(d.laws.length > 0 ? [`fits ${d.laws.map((l) => `\`${l}\``).join(", ")}`] : []),
      ...(d.no_closed_form !== null ? [`no closed form: ${d.no_closed_form}`] : []),
    ];
    const nodes = d.extra_nodes.length > 0 ? ` Extra nodes: ${d.extra_nodes.join(", ")}.` : "";
    return `| \`${p.name}\` | ${p.tasks.join(", ")} | ${cell(p.summary)}.${nodes} Example: \`${p.example}\` | ${cell(options.join("; ") || "—")} | ${cell(laws.join("; "))} |`;
  });
  return [
    "| `team.protocol` | tasks | what the team does | options (defaults) | closed-form laws |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

// `name = default` (an object's fields with theirs), or the bare name when there is none.
function optionWithDefault(name: string, o: OptionSchema): string {
  if (o.properties !== undefined && typeof o.default === "object") {
    const inner = Object.entries(o.properties)
      .filter(([, f]) => f.default !== undefined)
      .map(([k, f]) => `${k}: ${JSON.stringify(f.default)}`);
    return inner.length > 0 ? `${name}: {${inner.join(", ")}}` : name;
  }
  return o.default === undefined ? name : `${name}: ${JSON.stringify(o.default)}`;
}
