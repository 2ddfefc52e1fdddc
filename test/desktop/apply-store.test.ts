// The Apply store without React, against the real host and the local HTTPS ARM emulator: plan, a stale plan refused,
// apply with progress polled from the job runner, cancel and resume, the offline queue offered (never run), exports,
// and shared keys that never enter the store's state.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ArmEmulator } from '../azure/emulator/server';
import { makePki, type TestPki } from '../azure/emulator/certs';
import { EXAMPLE, PSK, emulatorConnection, workdir } from '../azure/helpers';
import { createHost, dispatch, memorySettings } from '../../electron/services/host';
import { desiredResources } from '../../shared/azure/desired';
import { loadWorkspace } from '../../shared/model/load';
import type { JunctionApi } from '../../shared/api/contract';
import { actionableCount, confirmSummary, createApplyStore, isPlanStale } from '../../renderer/stores/apply';

process.env.JUNCTION_AZURE_POLL_MS = '10';
process.env.JUNCTION_AZURE_RETRY_MS = '50';

const text = readFileSync(EXAMPLE, 'utf8');
const loaded = loadWorkspace(text, 'x.json');
if (!loaded.ok) throw new Error('example does not load');
const N = desiredResources(loaded.workspace).resources.length;
const SECRET = 'contoso-s2s-psk';

let pki: TestPki;
let emu: ArmEmulator;
beforeAll(() => {
  pki = makePki();
});
beforeEach(async () => {
  emu = new ArmEmulator({ key: pki.serverKey, cert: pki.serverCert });
  await emu.start();
});
afterEach(async () => {
  await emu.stop();
});

async function setup(frontDoor: 'test' | 'web' = 'test') {
  const api: JunctionApi = createHost({ frontDoor, settings: memorySettings() });
  const { state } = workdir();
  await dispatch(api, 'azure.settings.update', emulatorConnection(emu, pki, state));
  const doc = { fileName: 'contoso-hybrid.junction.json', text };
  const store = createApplyStore(api, () => doc, { pollMs: 5 });
  return { api, store, doc, state };
}

describe('apply store', () => {
  it('loads, plans, refuses a stale plan, applies with step progress, then shows the fresh plan all NoChange', async () => {
    const { store, doc } = await setup();
    await store.getState().load();
    const s0 = store.getState();
    expect(s0.settings?.prefs).toMatchObject({
      cloud: 'custom',
      armEndpoint: emu.base,
      method: 'certificate',
    });
    expect(s0.secrets?.secrets).toMatchObject([{ name: SECRET, stored: false, needed: true }]);
    expect(s0.journal).toBeNull();
    expect(s0.queue).toEqual([]);

    const plan = await store.getState().makePlan();
    expect(plan?.counts.Create).toBe(N);
    expect(actionableCount(plan!)).toBe(N);
    expect(confirmSummary(plan!)).toBe(`create ${N} — ${N} resources`);
    expect(store.getState().planOp.status).toBe('done');
    expect(isPlanStale(store.getState(), doc)).toBe(false);

    // The editor changes under the plan: applying it is refused until the admin plans again.
    const edited = {
      ...doc,
      text: text.replace('"disableBgpRoutePropagation": false', '"disableBgpRoutePropagation": true'),
    };
    expect(isPlanStale(store.getState(), edited)).toBe(true);
    doc.text = edited.text;
    expect(await store.getState().applyPlan({ secrets: { [SECRET]: PSK } })).toBeUndefined();
    expect(store.getState().applyOp).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/plan again/),
    });
    expect(emu.appliedPuts).toHaveLength(0);
    doc.text = text;
    expect(isPlanStale(store.getState(), doc)).toBe(false);

    const seen: { done: number; total: number; phase: string }[] = [];
    const unsub = store.subscribe((s) => {
      const p = s.applyOp.progress;
      if (s.applyOp.status === 'running' && p && p.filesTotal)
        seen.push({ done: p.filesDone, total: p.filesTotal, phase: p.phase });
    });
    const r = await store.getState().applyPlan({ secrets: { [SECRET]: PSK } });
    unsub();
    expect(r).toMatchObject({ outcome: 'completed', performed: N });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p.total === N && p.done <= N)).toBe(true);
    const st = store.getState();
    expect(st.applyOp.status).toBe('done');
    expect(st.applyKind).toBe('apply');
    expect(st.journal).toMatchObject({ status: 'completed', done: N, total: N, resumable: false });
    expect(st.plan?.counts).toMatchObject({ NoChange: N, Create: 0 });
    expect(actionableCount(st.plan)).toBe(0);
    expect(JSON.stringify(st)).not.toContain(PSK);
  });

  it('takes an unowned resource over only when ticked, by planning again', async () => {
    const { store } = await setup();
    const rt = desiredResources(loaded.workspace).resources.find((d) => d.kind === 'routeTable')!;
    // Someone else's route table, created without the ownership tag.
    const { request } = await import('node:https');
    await new Promise<void>((resolve, reject) => {
      const req = request(
        `${emu.base}${new URL(rt.armId, 'https://x').pathname}?api-version=2025-05-01`,
        {
          method: 'PUT',
          ca: pki.caPem,
          headers: { authorization: `Bearer ${emu.token}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ location: 'westeurope', properties: { routes: [] } }));
    });
    await store.getState().makePlan();
    expect(store.getState().plan?.steps.find((s) => s.name === rt.name)).toMatchObject({
      action: 'Ignore',
      unowned: true,
    });
    await store.getState().toggleUnowned(rt.name);
    expect(store.getState().allowUnowned).toEqual([rt.name]);
    expect(store.getState().plan?.steps.find((s) => s.name === rt.name)).toMatchObject({
      action: 'Modify',
      allowed: true,
    });
    await store.getState().toggleUnowned(rt.name);
    expect(store.getState().plan?.steps.find((s) => s.name === rt.name)?.action).toBe('Ignore');
  });

  it('cancels mid-apply, offers the journal for resume, and resumes without a duplicate PUT', async () => {
    const { store } = await setup();
    await store.getState().makePlan();
    emu.hangOnPut = 2;
    emu.onPutApplied = (n) => {
      if (n === 2) void store.getState().cancel();
    };
    const r = await store.getState().applyPlan({ secrets: { [SECRET]: PSK } });
    emu.onPutApplied = undefined;
    emu.hangOnPut = undefined;
    expect(r?.outcome).toBe('cancelled');
    expect(r?.failure?.remedy).toBe('resume');
    expect(store.getState().journal).toMatchObject({ status: 'stopped', resumable: true, done: 1 });
    expect(store.getState().journal?.secretsNeeded).toEqual([SECRET]);

    const done = await store.getState().resume({ secrets: { [SECRET]: PSK } });
    expect(done).toMatchObject({ outcome: 'completed', skipped: 2, performed: N - 2 });
    expect(store.getState().applyKind).toBe('resume');
    expect(emu.appliedPuts).toHaveLength(N);
    expect(new Set(emu.appliedPuts).size).toBe(N);
    expect(store.getState().journal?.resumable).toBe(false);
    expect(await store.getState().resume()).toBeUndefined(); // nothing left to resume
    expect(JSON.stringify(store.getState())).not.toContain(PSK);
  });

  it('queues an apply while ARM is unreachable and offers it (plan, then confirm) once ARM answers', async () => {
    const { api, store } = await setup();
    await store.getState().makePlan(); // online: leaves a snapshot
    await store.getState().updateSettings({ armEndpoint: 'https://127.0.0.1:1' });
    const off = await store.getState().makePlan();
    expect(off?.source).toMatchObject({
      kind: 'snapshot',
      reason: expect.stringMatching(/ARM is unreachable/),
    });
    const q = await store.getState().applyPlan({ secrets: { [SECRET]: PSK } });
    expect(q?.outcome).toBe('queued');
    expect(store.getState().queue).toHaveLength(1);
    await store.getState().loadQueue(true);
    expect(store.getState().queue[0]?.probe?.online).toBe(false);

    await store.getState().updateSettings({ armEndpoint: emu.base });
    await store.getState().load(); // the screen opening again probes the queue
    expect(store.getState().queue[0]?.probe).toMatchObject({ online: true });
    await store.getState().runQueued();
    expect(store.getState().confirmRequested).toBe(true);
    expect(store.getState().plan?.source.kind).toBe('live');
    expect(emu.appliedPuts).toHaveLength(0); // offered, never run
    store.getState().clearConfirmRequest();
    await store.getState().dequeue(store.getState().queue[0]!.workspace);
    expect(store.getState().queue).toEqual([]);
    expect((await api['azure.queue']({ action: 'list' })).items).toEqual([]);
  });

  it('exports, and on a front door without a key store keeps shared keys out of storage', async () => {
    const { store } = await setup('web');
    await store.getState().exportAs('cli');
    expect(store.getState().exportOp.result?.files[0]?.text).toMatch(/^#!\/usr\/bin\/env bash/);
    expect(await store.getState().storeSecret(SECRET, PSK)).toBe(false);
    expect(store.getState().secretsError).toMatch(/no OS key store/);
    await store.getState().refreshSecrets();
    expect(store.getState().secrets?.canStore).toBe(false);
    expect(JSON.stringify(store.getState())).not.toContain(PSK);
  });
});
