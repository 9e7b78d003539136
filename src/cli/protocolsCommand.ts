import type { Command } from "commander";
import { PROTOCOLS } from "../protocols/registry.js";

/** `teamsim protocols`: lists the team protocols. */
export function registerProtocolsCommand(program: Command): void {
  program
    .command("protocols")
    .description("list the team protocols (the values of team.protocol)")
    .action(() => {
      for (const p of PROTOCOLS) process.stdout.write(`${p.name.padEnd(14)} ${p.summary}\n`);
    });
}
