/** What a simulated system (a protocol's team) adds to a law's mapping from a scenario (see experiment/lawFromScenario). */
export interface TeamFit {
  /** The law's n for a team of n agents (default n; e.g. n − 1 workers under a leader). */
  lawN?: (n: number) => number;
  /** Law parameters the team fixes (e.g. debate's topology and rounds). */
  params?: Record<string, unknown>;
  /** Per item, what the metric counts and the law does not (e.g. final votes to a coordinator). */
  extraPerItem?: (n: number) => number;
  /** What the mapping assumes about the team, in words. */
  notes?: string[];
}

/** What a fit may ask about the comparison. */
export interface FitContext {
  /** The law's name, for messages. */
  law: string;
  /** Throws the error "the law does not describe this team": path under `team`, expected, found. */
  unfit(path: string, expected: string, found: string): never;
}

/**
 * How a protocol's validated team options map onto one law. Declared as a
 * method so that a module's fits, typed by its own options, fit the registry.
 */
export type LawFit<O> = { fit(team: O, ctx: FitContext): TeamFit }["fit"];

/**
 * How a protocol relates to the closed-form laws (src/analytic/): the laws
 * `compare` can map its runs onto, and why its accuracy or speedup has no
 * closed form if it has none (so `recommend` simulates it).
 */
export type LawFits<O> =
  | {
      /** By law name: how the team maps onto it, or (a string) why that law does not apply. */
      fits: Readonly<Record<string, LawFit<O> | string>>;
      /** Why its accuracy or speedup has no closed form, when it has none. */
      none?: string;
    }
  | { fits?: undefined; none: string };
