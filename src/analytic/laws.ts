import { amdahl } from "./amdahl.js";
import type { Law } from "./Law.js";

/** Every law `teamsim curve` knows, by name. New laws are added here. */
export const LAWS: readonly Law[] = [amdahl];

/** The law called `name`, or undefined. */
export function findLaw(name: string): Law | undefined {
  return LAWS.find((l) => l.name === name);
}
