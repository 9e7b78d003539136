import { InputError } from "../core/InputError.js";

/**
 * `raw` (a flag's text, or a number) as a replicate number of a scenario with
 * `replicates` replicates, or an InputError naming `--replicate`: replicates
 * are numbered 0 .. replicates-1, and one past them reproduces nothing reported.
 */
export function replicateNumber(raw: string | number, replicates: number): number {
  const r = Number(raw);
  const last = replicates - 1;
  if (!Number.isInteger(r) || r < 0 || r > last) return invalid(raw, replicates);
  return r;
}

function invalid(raw: string | number, replicates: number): never {
  throw new InputError(
    "--replicate",
    "",
    undefined,
    undefined,
    `a replicate number from 0 to ${replicates - 1} (the scenario has ${replicates} replicates)`,
    typeof raw === "string" ? JSON.stringify(raw) : String(raw),
  );
}
