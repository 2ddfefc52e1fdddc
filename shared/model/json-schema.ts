import { z } from 'zod';
import { Workspace, CURRENT_SCHEMA_VERSION } from './schema';

export const SCHEMA_ID = `https://junction.invalid/schema/workspace-v${CURRENT_SCHEMA_VERSION}.json`;

/** The editor-facing schema: the input side (defaults optional), with an id and a title. */
export function workspaceJsonSchema(): Record<string, unknown> {
  const js = z.toJSONSchema(Workspace, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...js, $id: SCHEMA_ID, title: `Junction workspace (schema version ${CURRENT_SCHEMA_VERSION})` };
}
