// A modal question with two answers. The safe answer has the focus, so Enter or Escape never discards or overrides.
import { useEffect, useRef, type ReactNode } from 'react';

export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirm: string;
  cancel?: string;
  /** A third answer between the two (e.g. "Save first"). */
  extra?: { label: string; onClick(): void };
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
}) {
  const safe = useRef<HTMLButtonElement>(null);
  useEffect(() => safe.current?.focus(), []);
  return (
    <div
      className="modal-backdrop"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onCancel();
        }
      }}
    >
      <div
        className="modal confirm-modal"
        role="alertdialog"
        aria-modal="true"
        aria-label={props.title}
        data-testid={props.testId}
      >
        <h2>{props.title}</h2>
        {props.children}
        <div className="modal-actions">
          <button type="button" ref={safe} onClick={props.onCancel}>
            {props.cancel ?? 'Cancel'}
          </button>
          {props.extra && (
            <button type="button" onClick={props.extra.onClick}>
              {props.extra.label}
            </button>
          )}
          <button type="button" className="danger" onClick={props.onConfirm}>
            {props.confirm}
          </button>
        </div>
      </div>
    </div>
  );
}
