import { Resvg } from "@resvg/resvg-js";

/** PNG options: the output width in pixels (height keeps the aspect ratio). */
export interface PngOptions {
  /** Defaults to twice the SVG's own width, crisp on high-density screens. */
  width?: number;
}

/**
 * Rasterizes SVG text to PNG bytes on a white background. Text is drawn with the
 * machine's installed fonts: where none are installed, the PNG has no text.
 */
export function renderPng(svg: string, options: PngOptions = {}): Buffer {
  const width = options.width ?? 2 * intrinsicWidth(svg);
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "width", value: Math.round(width) },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return resvg.render().asPng();
}

function intrinsicWidth(svg: string): number {
  const m = /<svg[^>]*\swidth="([\d.]+)"/.exec(svg);
  return m ? Number(m[1]) : 600;
}
