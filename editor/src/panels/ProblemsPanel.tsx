import type { Diagnostic } from '../../../dsl/diagnostics.ts';

export function ProblemsPanel(props: { diagnostics: Diagnostic[]; onReveal: (d: Diagnostic) => void; lineOf: (offset: number) => { lineNumber: number; column: number } | undefined }) {
  if (props.diagnostics.length === 0) return <p className="empty">No problems.</p>;
  return (
    <ul className="problems" data-testid="problems">
      {props.diagnostics.map((d, i) => {
        const pos = props.lineOf(d.span.start);
        return (
          <li key={i} className={d.severity} onClick={() => props.onReveal(d)}>
            <span className="sev">{d.severity}</span> <code>{d.code}</code> {d.message}
            {d.help ? <span className="help"> — {d.help}</span> : null}
            <span className="where">{pos ? ` ${d.file}:${pos.lineNumber}:${pos.column}` : ''}</span>
          </li>
        );
      })}
    </ul>
  );
}
