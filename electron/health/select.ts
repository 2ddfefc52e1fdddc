// Choosing which of the workspace's probes to run, and reading extra trust anchors: shared by `junction probe`
// and the host's health.run, so both refuse the same things with the same words.
import { readFile } from 'node:fs/promises';
import type { ProbeSet } from './sets';
import type { ProbeSpec } from './types';

export class ProbeSelectionError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/**
 * The probes of the named sets (all sets when none are named), narrowed to `ids` when given. Anything not in
 * the workspace's sets is refused: probes only go to targets the model names.
 */
export function selectProbes(sets: readonly ProbeSet[], where: string, wanted?: readonly string[], ids?: readonly string[]): ProbeSpec[] {
  const names = wanted?.length ? wanted : sets.map((s) => s.name);
  for (const w of names)
    if (!sets.some((s) => s.name === w))
      throw new ProbeSelectionError(
        `${where}: no probe set "${w}"`,
        sets.length ? `sets in this workspace: ${sets.map((s) => s.name).join(', ')}` : 'the workspace models no CycleCloud or license link',
      );
  const specs = sets.filter((s) => names.includes(s.name)).flatMap((s) => s.probes);
  if (!ids) return specs;
  const byId = new Map(specs.map((s) => [s.id, s]));
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length)
    throw new ProbeSelectionError(
      `${where}: no probe ${unknown.slice(0, 3).map((u) => `"${u}"`).join(', ')}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''} in the chosen sets`,
      'the workspace changed since the list was shown: reload the probe list and choose again',
    );
  return [...new Set(ids)].map((id) => byId.get(id)!);
}

/** A PEM file of extra trusted CA certificates, e.g. a TLS-inspecting proxy's. */
export async function readCaFile(file: string, label = file): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ProbeSelectionError(`${label}: ${(e as Error).message}`, 'give a readable PEM file');
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new ProbeSelectionError(`${label}: no PEM certificate in the file`, 'give a PEM file (-----BEGIN CERTIFICATE-----)');
  return text;
}
