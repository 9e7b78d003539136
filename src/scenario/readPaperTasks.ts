import { z } from "zod";
import { InputError } from "../core/InputError.js";
import type { PaperSuite } from "../tasks/PaperSuite.js";
import { readTextFile } from "./readTextFile.js";

const TasksSchema = z.record(
  z.string(),
  z.record(
    z.string().regex(/^(0(\.\d+)?|1(\.0+)?)$/, "a parallel fraction such as 0.5"),
    z
      .array(
        z.object({
          id: z.string().min(1),
          dependencies: z.array(z.string()),
          files: z.array(z.string()).default([]),
        }),
      )
      .min(1),
  ),
);

/**
 * Reads the paper's tasks.json (`{suite: {p: [{id, dependencies, files}]}}`)
 * into one PaperSuite per (suite, p), sorted by suite then p. Unknown
 * dependency ids are an InputError naming the file and the path.
 */
export function readPaperTasks(file: string): PaperSuite[] {
  const text = readTextFile(file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, "", undefined, undefined, "valid JSON", (e as Error).message);
  }
  const parsed = TasksSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      file,
      issue.path.join("."),
      undefined,
      undefined,
      issue.message,
      undefined,
    );
  }
  const out: PaperSuite[] = [];
  for (const suite of Object.keys(parsed.data).sort()) {
    const byP = parsed.data[suite];
    for (const pKey of Object.keys(byP).sort((a, b) => Number(a) - Number(b))) {
      const list = byP[pKey];
      const index = new Map(list.map((t, i) => [t.id, i]));
      const deps = list.map((t, i) =>
        t.dependencies.map((d, j) => {
          const k = index.get(d);
          if (k === undefined || k === i) {
            throw new InputError(
              file,
              `${suite}.${pKey}.${i}.dependencies.${j}`,
              undefined,
              undefined,
              "the id of another subtask of this suite",
              JSON.stringify(d),
            );
          }
          return k;
        }),
      );
      out.push({
        suite,
        p: Number(pKey),
        names: list.map((t) => t.id),
        deps,
        files: list.map((t) => t.files),
      });
    }
  }
  return out;
}
