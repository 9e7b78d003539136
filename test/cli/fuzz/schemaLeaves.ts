/** One scalar field the scenario JSON Schema describes, by dotted path ("0" stands for any list index). */
export interface SchemaLeaf {
  path: string[];
  type: "integer" | "number" | "string" | "boolean" | "null" | "unknown";
  enum?: readonly unknown[];
  min?: number;
  max?: number;
}

type Node = Record<string, unknown>;

/**
 * Every scalar field of `schema` (the document `teamsim schema` prints), found
 * through properties, items and the branches of anyOf / oneOf / allOf; the
 * same path may appear once per branch with different types.
 */
export function schemaLeaves(schema: Node): SchemaLeaf[] {
  const leaves = new Map<string, SchemaLeaf>();
  const walk = (node: unknown, path: string[], depth: number): void => {
    if (node === null || typeof node !== "object" || depth > 16) return;
    const n = node as Node;
    for (const key of ["anyOf", "oneOf", "allOf"]) {
      const branches = n[key];
      if (Array.isArray(branches)) for (const b of branches) walk(b, path, depth + 1);
    }
    const properties = n.properties as Node | undefined;
    if (properties)
      for (const [k, v] of Object.entries(properties)) walk(v, [...path, k], depth + 1);
    if (n.items) walk(n.items, [...path, "0"], depth + 1);
    if (Array.isArray(n.prefixItems))
      n.prefixItems.forEach((v, i) => walk(v, [...path, String(i)], depth + 1));
    const type = n.type;
    const scalar =
      n.const !== undefined ||
      Array.isArray(n.enum) ||
      (typeof type === "string" && type !== "object" && type !== "array");
    if (!scalar || path.length === 0) return;
    const leaf: SchemaLeaf = {
      path,
      type: (typeof type === "string" ? type : "unknown") as SchemaLeaf["type"],
      enum: n.const !== undefined ? [n.const] : (n.enum as unknown[] | undefined),
      min: (n.minimum ?? n.exclusiveMinimum) as number | undefined,
      max: (n.maximum ?? n.exclusiveMaximum) as number | undefined,
    };
    leaves.set(JSON.stringify(leaf), leaf);
  };
  walk(schema, [], 0);
  return [...leaves.values()];
}
