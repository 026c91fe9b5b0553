import type { Diagnostic } from '../../../dsl/diagnostics.ts';

export function ProblemsPanel(props: { checking: boolean; diagnostics: Diagnostic[]; warnings: string[]; onReveal: (d: Diagnostic) => void; lineOf: (offset: number) => { lineNumber: number; column: number } | undefined }) {
  return (
    <div>
      {/* Until the file's first analysis, nothing is known: never "no problems". */}
      {props.checking ? <p className="empty" data-testid="problems-checking">checking…</p> : props.diagnostics.length === 0 ? <p className="empty">No problems in this file.</p> : null}
      <ul className="problems" data-testid="problems">
        {props.diagnostics.map((d, i) => {
          const pos = props.lineOf(d.span.start);
          return (
            <li key={i} className={d.severity}>
              <button className="link" onClick={() => props.onReveal(d)}>
                <span className="sev">{d.severity}</span> <code>{d.code}</code> {d.message}
                {d.help ? <span className="help"> — {d.help}</span> : null}
                <span className="where">{pos ? ` ${d.file}:${pos.lineNumber}:${pos.column}` : ''}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {props.warnings.length > 0 && (
        <section data-testid="folder-warnings">
          <h4>Skipped in the rulesets folder</h4>
          <ul className="problems">{props.warnings.map((w, i) => <li key={i} className="warning"><span className="sev">warning</span> {w}</li>)}</ul>
        </section>
      )}
    </div>
  );
}
