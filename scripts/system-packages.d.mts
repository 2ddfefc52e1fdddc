// Types for system-packages.mjs (a plain module shared by .ci/run, the pretest check and the tests).
export interface SystemPackage {
  pkg: string;
  command?: string;
  file?: string;
  env?: string;
  needs: string;
}
export const SYSTEM_PACKAGES: readonly SystemPackage[];
export function missingSystemPackages(
  env: Readonly<Record<string, string | undefined>>,
  exists: (path: string, kind: 'exec' | 'file') => boolean,
  sep?: string,
): SystemPackage[];
export function missingMessage(missing: readonly SystemPackage[]): string[];
export const APT_LINE: string;
