import { Document, isMap, isScalar, Scalar, visit } from "yaml";

/**
 * The YAML text of a model profile (in the file spelling of models/*.yaml), in
 * the shipped profiles' style: `header` lines as a leading comment, each
 * distribution on one line in flow style (a mixture lists one component per
 * line), sources as folded blocks.
 */
export function profileYaml(profile: Record<string, unknown>, header: readonly string[]): string {
  const doc = new Document(profile);
  visit(doc, {
    Map(_, map) {
      const dist = map.get("dist");
      if (dist !== undefined && dist !== "mixture") map.flow = true;
    },
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "source" && isScalar(pair.value)) {
        (pair.value as Scalar).type = Scalar.BLOCK_FOLDED;
      }
      // Small groups of plain numbers (retry) read best on one line too.
      if (isScalar(pair.key) && pair.key.value === "retry" && isMap(pair.value)) {
        pair.value.flow = true;
      }
    },
  });
  // Mixture components: a block list of one-line components.
  visit(doc, {
    Seq(_, seq) {
      for (const item of seq.items) if (isMap(item)) item.flow = true;
    },
  });
  doc.commentBefore = header.map((l) => (l === "" ? "" : ` ${l}`)).join("\n");
  return doc.toString({ lineWidth: 88, minContentWidth: 40, flowCollectionPadding: true });
}
