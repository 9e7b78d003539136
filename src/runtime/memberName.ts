// The only place that formats or parses the names of team members: everything
// else holds a member's integer index and asks here for its name.

const PREFIX = "agent-";

/** The name of team member `index`: `agent-<index>`. */
export function memberName(index: number): string {
  return `${PREFIX}${index}`;
}

/** The index of the member called `name`, or -1 if `name` is not a member's name. */
export function memberIndex(name: string): number {
  if (!name.startsWith(PREFIX)) return -1;
  const rest = name.slice(PREFIX.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : -1;
}
