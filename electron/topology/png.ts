// SVG → PNG without a browser: resvg compiled to WebAssembly, with a TrueType font read from the system (resvg has
// no font of its own; a diagram without one would lose every label).
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Fonts tried in order: Debian/Ubuntu (fonts-dejavu-core), Windows, macOS. */
export const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  'C:\\Windows\\Fonts\\segoeui.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
  '/Library/Fonts/Arial.ttf',
];

export class PngError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

let ready: Promise<void> | undefined;

export async function svgToPng(svg: string, fontFile?: string): Promise<Uint8Array> {
  const font = fontFile ?? FONT_CANDIDATES.find((f) => existsSync(f));
  if (!font)
    throw new PngError(
      'no TrueType font found for the PNG labels',
      `install fonts-dejavu-core, or pass --font FILE.ttf (tried ${FONT_CANDIDATES.join(', ')})`,
    );
  let fontBuffer: Uint8Array;
  try {
    fontBuffer = new Uint8Array(await readFile(font));
  } catch (e) {
    throw new PngError(
      `cannot read the font ${font}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'pass --font with a readable .ttf file',
    );
  }
  ready ??= readFile(createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm')).then((w) =>
    initWasm(w),
  );
  await ready;
  const r = new Resvg(svg, {
    font: {
      fontBuffers: [fontBuffer],
      loadSystemFonts: false,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
    background: '#ffffff',
  });
  const png = r.render().asPng();
  r.free();
  return png;
}
