import { memo, useMemo } from 'react';
import { tokenize, type Language } from '../highlight/tokenize';

/** Read-only code with line numbers; every token is a text node in a span, never parsed as markup. */
export const CodeView = memo(function CodeView({ text, lang, label }: { text: string; lang: Language; label: string }) {
  const lines = useMemo(() => tokenize(text, lang), [text, lang]);
  return (
    <div className="codeview" role="region" aria-label={label} tabIndex={0} data-lang={lang}>
      <pre className="codeview-lines" aria-hidden="true">
        {lines.map((_, i) => `${i + 1}\n`).join('')}
      </pre>
      <pre className="codeview-text">
        <code>
          {lines.map((toks, i) => (
            <div className="cl" key={i}>
              {toks.length === 0
                ? '\u200b'
                : toks.map((t, j) =>
                    t.type === 'plain' ? (
                      t.text
                    ) : (
                      <span key={j} className={`tok-${t.type}`}>
                        {t.text}
                      </span>
                    ),
                  )}
            </div>
          ))}
        </code>
      </pre>
    </div>
  );
});
