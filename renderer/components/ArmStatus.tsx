// The status bar's "Online": Azure Resource Manager answered at the last check, with the time of that check. A
// browser's network flag says nothing about whether ARM is reachable through an air gap or a proxy, so it is only
// shown when it is down (no network at all), never as "Online".
import { useEffect, useState } from 'react';
import { useApply, useHealth } from './context';

export interface ArmCheck {
  reachable: boolean;
  at: string;
  how: string;
  detail?: string;
}

const hhmm = (at: string) => `${at.slice(0, 16).replace('T', ' ')} UTC`;

/** The newest ARM check this session: Health's "Check Azure status" or a live plan on Apply. */
function useArmCheck(): ArmCheck | null {
  const status = useHealth((s) => (s.azureOp.status === 'done' ? s.azureOp.result : undefined));
  const plan = useApply((s) => s.plan);
  const checks: ArmCheck[] = [];
  if (status)
    checks.push({
      reachable: status.online,
      at: status.at,
      how: 'Azure status on the Health screen',
      ...(status.detail ? { detail: status.detail } : {}),
    });
  if (plan?.source.kind === 'live')
    checks.push({ reachable: true, at: plan.plannedAt, how: 'a live plan on Apply' });
  return checks.sort((a, b) => a.at.localeCompare(b.at)).pop() ?? null;
}

export function ArmStatus() {
  const check = useArmCheck();
  const [network, setNetwork] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setNetwork(navigator.onLine);
    window.addEventListener('online', on);
    window.addEventListener('offline', on);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', on);
    };
  }, []);
  const state = !check ? 'unknown' : check.reachable ? 'online' : 'offline';
  const text = !check
    ? 'Azure: not checked'
    : `${check.reachable ? 'Online' : 'Offline'} · ARM ${hhmm(check.at).slice(11)}`;
  const title = !check
    ? 'Whether Azure Resource Manager is reachable has not been checked this session (Health → Check Azure status, or plan on Apply). Everything else works offline.'
    : check.reachable
      ? `Azure Resource Manager answered at ${hhmm(check.at)} (${check.how})`
      : `Azure Resource Manager did not answer at ${hhmm(check.at)} (${check.how})${check.detail ? `: ${check.detail}` : ''}`;
  return (
    <>
      <span className={`net ${state}`} title={title} data-testid="arm-status" data-at={check?.at ?? ''}>
        <span className="dot" aria-hidden="true" />
        {text}
      </span>
      {!network && (
        <span
          className="net offline"
          data-testid="no-network"
          title="This machine reports no network connection"
        >
          No network
        </span>
      )}
    </>
  );
}
