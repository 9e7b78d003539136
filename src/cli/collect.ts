/** commander helper: collects a repeatable option's values into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
