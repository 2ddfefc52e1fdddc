// The console's reach channels (issue 20): the unsaved edits against the saved text, and the failing needed flows
// and intents with a walk the diagram can trace, through the host's dispatch as every front door calls it.
import { describe, expect, it } from 'vitest';
import { createHost, dispatch } from '../../electron/services/host';
import type { FailingFlowsAnswer, ReachDiffAnswer } from '../../shared/api/reach-api';
import { EXAMPLE_TEXT, byId, rawExample, type Raw } from '../helpers/example';

const api = createHost({ frontDoor: 'test' });
const fileName = 'contoso.junction.json';
const text = (raw: Raw) => JSON.stringify(raw, null, 2);

function openCycleCloud(raw: Raw): Raw {
  byId<Raw>(raw.azure.nsgs, 'nsg-cyclecloud').rules.push({ name: 'AllowHttpsOut', priority: 300, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destinationPrefixes: ['Internet'], destinationPorts: ['443'] });
  return raw;
}

describe('reach.diffSaved', () => {
  it('names the flow an unsaved rule opens, with the line of that rule in the edited text', async () => {
    const edited = text(openCycleCloud(rawExample()));
    const r = (await dispatch(api, 'reach.diffSaved', { fileName, text: edited, savedText: EXAMPLE_TEXT })) as ReachDiffAnswer;
    if (!r.ok) throw new Error(r.error);
    expect(r.diff.opened.map((c) => c.flow.description)).toEqual(['snet-cyclecloud → Internet TCP 443']);
    expect(r.diff.closed).toEqual([]);
    const where = r.diff.opened[0]!.decidedBy!.path!;
    expect(where).toMatch(/^\$\.azure\.nsgs\[\d+\]\.rules\[\d+\]$/);
    const line = edited.split('\n')[r.positions[where]!.line - 1]!;
    expect(line).toMatch(/\{/);
    expect(edited.split('\n').slice(r.positions[where]!.line - 1, r.positions[where]!.line + 2).join('\n')).toContain('AllowHttpsOut');
    expect(r.text).toMatch(/^reachability: 1 opened, 0 closed/);
  });

  it('a closed flow shows as closed; the same text is unchanged', async () => {
    const raw = rawExample();
    const r0 = (await dispatch(api, 'reach.diffSaved', { fileName, text: EXAMPLE_TEXT, savedText: EXAMPLE_TEXT })) as ReachDiffAnswer;
    expect(r0.ok && r0.diff.opened.length + r0.diff.closed.length + r0.diff.changed.length).toBe(0);
    const saved = text(openCycleCloud(raw));
    const r = (await dispatch(api, 'reach.diffSaved', { fileName, text: EXAMPLE_TEXT, savedText: saved })) as ReachDiffAnswer;
    if (!r.ok) throw new Error(r.error);
    expect(r.diff.closed.map((c) => [c.flow.description, c.before, c.after])).toEqual([['snet-cyclecloud → Internet TCP 443', 'reachable', 'blocked']]);
  });

  it('text mid-edit is an answer that says which side does not load, not an error', async () => {
    const r = (await dispatch(api, 'reach.diffSaved', { fileName, text: '{ "name": ', savedText: EXAMPLE_TEXT })) as ReachDiffAnswer;
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^the edited text does not load \(\d+ problems?; first: invalid JSON/) });
  });
});

describe('reach.failingFlows', () => {
  it('none on the example; a broken intent comes back with its walk and the hop that decided', async () => {
    const ok = (await dispatch(api, 'reach.failingFlows', { fileName, text: EXAMPLE_TEXT })) as FailingFlowsAnswer;
    if (!ok.ok) throw new Error(ok.error);
    expect(ok.failing).toEqual([]);
    expect(ok.checked.needed).toBeGreaterThan(0);

    const raw = rawExample();
    raw.intents = [
      { from: 'azure-nodes', to: 'lic01', port: 27000, expect: 'reachable', why: 'nodes must reach the license server' },
      { from: 'cc01', to: 'Internet', port: 443, expect: 'reachable', why: 'planted: CycleCloud reaches the Internet' },
    ];
    const edited = text(raw);
    const r = (await dispatch(api, 'reach.failingFlows', { fileName, text: edited })) as FailingFlowsAnswer;
    if (!r.ok) throw new Error(r.error);
    expect(r.checked.intents).toBe(2);
    expect(r.failing).toHaveLength(1);
    const f = r.failing[0]!;
    expect(f).toMatchObject({ kind: 'intent', owner: 'intent 2', where: '$.intents[1]', expect: 'reachable', verdict: 'blocked', description: 'cc01 → Internet TCP 443' });
    expect(edited.split('\n')[f.line! - 1]).toContain('{');
    expect(f.answer?.source.host).toBe('cc01');
    expect(f.answer?.decisive).toBe(f.answer!.hops.length - 1);
    expect(f.answer?.hops[f.answer.decisive!]!.decidedBy?.name).toMatch(/nsg-cyclecloud/);
  });
});
