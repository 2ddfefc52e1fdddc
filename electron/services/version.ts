// Replaced at build time by esbuild's define; the fallback serves tests that import the source directly.
declare const __JUNCTION_VERSION__: string | undefined;
export const JUNCTION_VERSION: string =
  typeof __JUNCTION_VERSION__ === 'string' ? __JUNCTION_VERSION__ : '0.0.0-dev';
