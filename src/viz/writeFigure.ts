import { renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, extname } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { InputError } from "../core/InputError.js";
import { renderHtml } from "./renderHtml.js";
import { renderPng } from "./renderPng.js";
import { renderSvg } from "./renderSvg.js";

/** The figure file formats, chosen by the output file's extension. */
export type FigureFormat = "svg" | "png" | "html";

/**
 * The format for `path` by its extension; anything else is an InputError. Also
 * checks that the directory exists, so a command fails before drawing, not after.
 */
export function figureFormat(path: string): FigureFormat {
  const ext = extname(path).toLowerCase();
  if (ext !== ".svg" && ext !== ".png" && ext !== ".html") {
    throw new InputError(
      path,
      "",
      undefined,
      undefined,
      "a figure file ending in .svg, .png or .html",
      ext === "" ? "no extension" : JSON.stringify(ext),
    );
  }
  const dir = dirname(path);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) {
    throw new InputError(
      path,
      "",
      undefined,
      undefined,
      "a path in an existing directory",
      `no directory ${JSON.stringify(dir)}`,
    );
  }
  return ext.slice(1) as FigureFormat;
}

/** The figure's bytes in `format`. */
export async function renderFigure(
  spec: TopLevelSpec,
  format: FigureFormat,
): Promise<string | Buffer> {
  if (format === "html") return renderHtml(spec);
  const svg = await renderSvg(spec);
  return format === "png" ? renderPng(svg) : svg;
}

/**
 * Renders `spec` to `path` (.svg, .png or .html), via a temporary file renamed
 * into place, so a failed render never leaves a half-written figure.
 */
export async function writeFigure(spec: TopLevelSpec, path: string): Promise<void> {
  const format = figureFormat(path);
  const bytes = await renderFigure(spec, format);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      path,
      "",
      undefined,
      undefined,
      "a writable file",
      String(code ?? (e as Error).message),
    );
  }
}
