// Schema versions move forward one step at a time. Each migration is a pure function from the raw document of
// version N to the raw document of version N+1; the loader runs the chain before validation, so old files keep
// opening and `junction migrate` can write the upgraded file back (the original kept as a .bak).
import { CURRENT_SCHEMA_VERSION } from './schema';

export interface Migration {
  readonly from: number;
  readonly describe: string;
  readonly up: (doc: Record<string, unknown>) => Record<string, unknown>;
}

/** Version 1 is the first published schema: nothing to migrate yet. New versions append here. */
export const MIGRATIONS: readonly Migration[] = [];

export type MigrationOutcome =
  | { ok: true; doc: Record<string, unknown>; applied: string[]; fromVersion: number }
  | { ok: false; message: string; fix: string };

export function migrate(
  doc: Record<string, unknown>,
  migrations: readonly Migration[] = MIGRATIONS,
  current: number = CURRENT_SCHEMA_VERSION,
): MigrationOutcome {
  const version = doc['schemaVersion'];
  if (version === undefined) {
    return {
      ok: false,
      message: 'the document has no "schemaVersion"',
      fix: `add "schemaVersion": ${current} at the top level (run \`junction schema\` for the schema)`,
    };
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    return {
      ok: false,
      message: `"schemaVersion" must be a whole number from 1 to ${current}, got ${JSON.stringify(version)}`,
      fix: `set "schemaVersion": ${current}`,
    };
  }
  if (version > current) {
    return {
      ok: false,
      message: `schema version ${version} was written by a newer Junction; this one reads up to version ${current}`,
      fix: 'upgrade Junction, or open the file with the version that wrote it',
    };
  }
  let out = doc;
  const applied: string[] = [];
  for (let v = version; v < current; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step) {
      return {
        ok: false,
        message: `no migration from schema version ${v} to ${v + 1}`,
        fix: 'open the file with the Junction release that matches its schema version',
      };
    }
    out = { ...step.up(out), schemaVersion: v + 1 };
    applied.push(`${v} → ${v + 1}: ${step.describe}`);
  }
  return { ok: true, doc: out, applied, fromVersion: version };
}
