// A plain-text JSON/YAML editor with a line gutter, problem markers at the offending lines and the messages of
// the caret's line shown under it. A textarea keeps native editing, undo and accessibility; the overlay only
// paints.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Severity } from '../../shared/lint/types';
import type { EditorTarget } from '../stores/ui';

export interface Marker {
  line: number;
  column: number;
  severity: Severity;
  message: string;
  fix?: string;
  where?: string;
  rule?: string;
}

const LINE_H = 18;
const PAD = 8;

function offsetOfLine(text: string, line: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off;
}

function lineOfOffset(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

export function Editor(props: {
  text: string;
  onChange(text: string): void;
  markers: Marker[];
  target: EditorTarget | null;
  label: string;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [scroll, setScroll] = useState({ top: 0, left: 0 });
  const [caretLine, setCaretLine] = useState(1);
  const lines = useMemo(() => {
    let n = 1;
    for (let i = 0; i < props.text.length; i++) if (props.text.charCodeAt(i) === 10) n++;
    return n;
  }, [props.text]);
  const gutter = useMemo(() => Array.from({ length: lines }, (_, i) => i + 1).join('\n'), [lines]);
  const byLine = useMemo(() => {
    const m = new Map<number, Marker[]>();
    for (const k of props.markers) (m.get(k.line) ?? m.set(k.line, []).get(k.line)!).push(k);
    return m;
  }, [props.markers]);

  useEffect(() => {
    const t = props.target;
    const el = area.current;
    if (!t || !el) return;
    const off = offsetOfLine(el.value, t.line) + Math.max(0, t.column - 1);
    el.focus();
    el.setSelectionRange(off, off);
    el.scrollTop = Math.max(0, (t.line - 1) * LINE_H - el.clientHeight / 3);
    setCaretLine(t.line);
  }, [props.target]);

  const caretMarkers = byLine.get(caretLine) ?? [];
  const updateCaret = () => {
    const el = area.current;
    if (el) setCaretLine(lineOfOffset(el.value, el.selectionStart));
  };
  const worst = (ms: Marker[]): Severity =>
    ms.some((m) => m.severity === 'error')
      ? 'error'
      : ms.some((m) => m.severity === 'warning')
        ? 'warning'
        : 'info';

  return (
    <div className="editor">
      <div className="editor-body">
        <div className="gutter" aria-hidden="true">
          <div style={{ transform: `translateY(${-scroll.top}px)` }}>
            <pre className="line-numbers">{gutter}</pre>
            {[...byLine.entries()].map(([line, ms]) => (
              <span
                key={line}
                className={`marker ${worst(ms)}`}
                style={{ top: PAD + (line - 1) * LINE_H }}
                title={ms.map((m) => `${m.message}${m.fix ? `\nFix: ${m.fix}` : ''}`).join('\n\n')}
              />
            ))}
          </div>
        </div>
        <div className="text-wrap">
          <div
            className="line-highlights"
            aria-hidden="true"
            style={{ transform: `translate(${-scroll.left}px, ${-scroll.top}px)` }}
          >
            {[...byLine.entries()].map(([line, ms]) => (
              <div key={line} className={`hl ${worst(ms)}`} style={{ top: PAD + (line - 1) * LINE_H }} />
            ))}
            <div className="hl caret" style={{ top: PAD + (caretLine - 1) * LINE_H }} />
          </div>
          <textarea
            ref={area}
            className="code"
            aria-label={props.label}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            wrap="off"
            value={props.text}
            onChange={(e) => {
              props.onChange(e.target.value);
              updateCaret();
            }}
            onScroll={(e) => setScroll({ top: e.currentTarget.scrollTop, left: e.currentTarget.scrollLeft })}
            onSelect={updateCaret}
            onKeyDown={(e) => {
              // Tab indents instead of leaving the editor; Escape then Tab still moves focus on.
              if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey) {
                const el = e.currentTarget;
                if (el.dataset.escaped === '1') return;
                e.preventDefault();
                const { selectionStart: a, selectionEnd: b, value } = el;
                props.onChange(value.slice(0, a) + '  ' + value.slice(b));
                requestAnimationFrame(() => el.setSelectionRange(a + 2, a + 2));
              }
              e.currentTarget.dataset.escaped = e.key === 'Escape' ? '1' : '0';
            }}
          />
        </div>
      </div>
      <div
        className={`caret-problems ${caretMarkers.length ? worst(caretMarkers) : ''}`}
        aria-live="polite"
        data-testid="caret-problems"
      >
        {caretMarkers.length === 0 ? (
          <span className="muted">Line {caretLine}: no problems</span>
        ) : (
          caretMarkers.map((m, i) => (
            <div key={i} className="caret-problem">
              <span className={`sev-dot ${m.severity}`} />
              <strong>Line {m.line}</strong>
              {m.where && <code>{m.where}</code>}
              <span>{m.message}</span>
              {m.fix && <span className="fix">Fix: {m.fix}</span>}
            </div>
          ))
        )}
      </div>
    </div>
  );
}
