// "Why can't A reach B?": the offline engine (shared/reach) asked from the Health screen. Endpoints come from the
// document (hosts, subnets, service tags) but any address can be typed; the answer lists every hop with what it
// assumed and the route or rule that decided, with its place in the document, and highlights the decisive hop.
import { useEffect, useRef, type FormEvent } from 'react';
import type { ReachAnswer, ReachHopView } from '../../../shared/api/health-api';
import { reachRequest } from '../../stores/health';
import { useHealth, useStores } from '../context';

const VERDICT: Record<
  'reachable' | 'blocked' | 'no-route',
  { title: string; tone: 'ok' | 'error' | 'warn' }
> = {
  reachable: { title: 'Reachable', tone: 'ok' },
  blocked: { title: 'Blocked', tone: 'error' },
  'no-route': { title: 'No route', tone: 'warn' },
};

/** The last shortcut request acted on: coming back to the screen later must not scroll or ask again. */
let handledFocus = 0;

const OUTCOME_ICON: Record<ReachHopView['outcome'], string> = { pass: '✓', blocked: '✕', 'no-route': '∅' };

export function ReachPanel() {
  const { health } = useStores();
  const form = useHealth((s) => s.reach);
  const op = useHealth((s) => s.reachOp);
  const endpoints = useHealth((s) => s.endpoints);
  const focus = useHealth((s) => s.reachFocus);
  const ref = useRef<HTMLFormElement>(null);
  const fromRef = useRef<HTMLInputElement>(null);
  const toRef = useRef<HTMLInputElement>(null);

  // A shortcut from the topology: bring the panel into view and ask at once when both ends are filled.
  useEffect(() => {
    if (!focus || focus === handledFocus) return;
    handledFocus = focus;
    ref.current?.scrollIntoView({ block: 'nearest' });
    (health.getState().reach.from.trim() ? toRef.current : fromRef.current)?.focus();
    if (!('error' in reachRequest(health.getState().reach))) void health.getState().ask();
  }, [focus, health]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void health.getState().ask();
  };
  const invalid = reachRequest(form);

  return (
    <form
      ref={ref}
      className="panel reach-panel"
      aria-label="Why can't A reach B"
      onSubmit={submit}
      data-testid="reach-panel"
    >
      <div className="reach-head">
        <h2>Why can't A reach B?</h2>
        <span className="muted small">
          Answered offline from the workspace: routes, tunnels, NSGs, the license link.
        </span>
      </div>
      <datalist id="reach-sources">
        {endpoints?.hosts.map((h) => (
          <option key={h.id} value={h.id}>
            {`${h.name} · ${h.roles.join(', ') || 'host'}${h.address ? ` · ${h.address}` : ''}`}
          </option>
        ))}
        {endpoints?.subnets.map((s) => (
          <option key={s.id} value={s.id}>
            {`a node of ${s.id} · ${s.prefix}`}
          </option>
        ))}
      </datalist>
      <datalist id="reach-destinations">
        {endpoints?.hosts.map((h) => (
          <option key={h.id} value={h.id}>
            {`${h.name} · ${h.roles.join(', ') || 'host'}${h.address ? ` · ${h.address}` : ''}`}
          </option>
        ))}
        {endpoints?.subnets.map((s) => (
          <option key={s.id} value={s.id}>
            {`${s.id} · ${s.prefix}`}
          </option>
        ))}
        {endpoints?.tags.map((t) => (
          <option key={t} value={t}>
            service tag
          </option>
        ))}
      </datalist>
      <div className="reach-form">
        <label className="field">
          <span className="field-label">From</span>
          <input
            ref={fromRef}
            list="reach-sources"
            value={form.from}
            onChange={(e) => health.getState().setReach({ from: e.target.value })}
            placeholder="host, subnet or address"
            spellCheck={false}
            aria-label="From"
          />
        </label>
        <button
          type="button"
          className="icon-btn reach-swap"
          title="Swap From and To"
          aria-label="Swap From and To"
          onClick={() => health.getState().setReach({ from: form.to, to: form.from })}
        >
          ⇄
        </button>
        <label className="field">
          <span className="field-label">To</span>
          <input
            ref={toRef}
            list="reach-destinations"
            value={form.to}
            onChange={(e) => health.getState().setReach({ to: e.target.value })}
            placeholder="host, subnet, service tag or address"
            spellCheck={false}
            aria-label="To"
          />
        </label>
        <label className="field reach-port">
          <span className="field-label">Port</span>
          <input
            inputMode="numeric"
            value={form.port}
            onChange={(e) => health.getState().setReach({ port: e.target.value })}
            placeholder="443"
            aria-label="Port"
          />
        </label>
        <div className="field">
          <span className="field-label" id="reach-proto-label">
            Protocol
          </span>
          <div className="segmented" role="radiogroup" aria-labelledby="reach-proto-label">
            {(['tcp', 'udp'] as const).map((p) => (
              <label key={p} className={form.proto === p ? 'on' : ''}>
                <input
                  type="radio"
                  name="reach-proto"
                  value={p}
                  checked={form.proto === p}
                  onChange={() => health.getState().setReach({ proto: p })}
                />
                {p.toUpperCase()}
              </label>
            ))}
          </div>
        </div>
        <button
          type="submit"
          className="primary reach-ask"
          disabled={op.status === 'running' || 'error' in invalid}
          title={'error' in invalid ? invalid.error : 'Trace the flow through the model'}
        >
          Ask
        </button>
      </div>
      {op.status === 'failed' && (
        <div className="reach-error" role="alert" data-testid="reach-error">
          {op.error}
        </div>
      )}
      {op.status === 'done' && op.result && <ReachResult answer={op.result} />}
    </form>
  );
}

function ReachResult({ answer }: { answer: ReachAnswer }) {
  const { health, ui } = useStores();
  if (!answer.ok) {
    const role = /unknown destination|the destination/.test(answer.error) ? 'to' : 'from';
    return (
      <div className="reach-bad" role="alert" data-testid="reach-bad">
        <div>
          <b>Cannot ask that:</b> {answer.error}
        </div>
        {answer.fix && <div className="muted small">{answer.fix}</div>}
        {answer.suggestions.length > 0 && (
          <div className="reach-suggest">
            <span className="muted small">Did you mean</span>
            {answer.suggestions.map((s) => (
              <button
                key={s}
                type="button"
                className="chip-btn"
                onClick={() => {
                  health.getState().setReach({ [role]: s });
                  void health.getState().ask();
                }}
              >
                {s}
              </button>
            ))}
          </div>
        )}
      </div>
    );
  }
  const v = VERDICT[answer.verdict];
  const decisive = answer.decisive !== undefined ? answer.hops[answer.decisive] : undefined;
  return (
    <div className="reach-answer" data-testid="reach-answer" data-verdict={answer.verdict}>
      <div className={`reach-verdict ${v.tone}`} role="status">
        <span className="reach-verdict-title">{v.title}</span>
        <span className="reach-flow">
          {answer.source.label} → {answer.destination.label} · {answer.query.protocol.toUpperCase()}{' '}
          {answer.query.port}
        </span>
        {decisive?.decidedBy && (
          <span className="reach-decider" data-testid="reach-decider">
            decided by <b>{decisive.decidedBy.name}</b>
            {decisive.decidedBy.where && (
              <>
                {' '}
                at <code>{decisive.decidedBy.where}</code>
              </>
            )}
          </span>
        )}
      </div>
      <div className="reach-zones muted small">
        {answer.source.zone} → {answer.destination.zone}
      </div>
      <ol className="hops">
        {answer.hops.map((h, i) => (
          <li
            key={i}
            className={`hop ${h.outcome} ${i === answer.decisive ? 'decisive' : ''}`}
            data-outcome={h.outcome}
            aria-current={i === answer.decisive ? 'step' : undefined}
          >
            <span className="hop-icon" aria-label={h.outcome}>
              {OUTCOME_ICON[h.outcome]}
            </span>
            <div className="hop-body">
              <div className="hop-text">
                <span className="hop-at mono">{h.at}</span> {h.text}
              </div>
              {h.decidedBy && (
                <div className="hop-rule small">
                  <span className="muted">{h.decidedBy.kind}</span> <b>{h.decidedBy.name}</b>
                  {h.decidedBy.where && (
                    <>
                      {' '}
                      <code>{h.decidedBy.where}</code>
                    </>
                  )}
                  {h.decidedBy.line !== undefined && (
                    <button
                      type="button"
                      className="link"
                      onClick={() => ui.getState().showInEditor(h.decidedBy!.line!, h.decidedBy!.column)}
                      title="Open the workspace editor at this line"
                    >
                      line {h.decidedBy.line}
                    </button>
                  )}
                </div>
              )}
              {h.assumptions.length > 0 && (
                <ul className="hop-assume small muted">
                  {h.assumptions.map((a) => (
                    <li key={a}>assumes: {a}</li>
                  ))}
                </ul>
              )}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
