// Reference tables: every row that names a code across the NCCI, MUE, code-validity and fee
// tables under rulesets/tables, with each row's release and dates (the server searches; the
// tables are too large to ship to the page).
import { useState } from 'react';
import { searchTables, type TableHit } from '../api.ts';

export function TablesPanel(props: { initial?: string }) {
  const [code, setCode] = useState(props.initial ?? '');
  const [hits, setHits] = useState<TableHit[] | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const search = async () => {
    if (!code.trim()) return;
    setBusy(true);
    try {
      const r = await searchTables(code.trim());
      setHits(r.hits);
      const cut = Object.entries(r.truncated ?? {});
      setNote(r.note ?? (cut.length ? `more rows than shown in ${cut.map(([k, n]) => `${k} (${n})`).join(', ')}` : ''));
    } catch (e) {
      setHits([]);
      setNote((e as Error).message);
    }
    setBusy(false);
  };
  const byTable = new Map<string, TableHit[]>();
  for (const h of hits ?? []) byTable.set(`${h.table}`, [...(byTable.get(h.table) ?? []), h]);
  return (
    <div className="tables-panel">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <label>
          Code (CPT, HCPCS or ICD-10-CM){' '}
          <input value={code} onChange={(e) => setCode(e.target.value)} placeholder="e.g. 97110 or M54.50" data-testid="tables-code" />
        </label>
        <button type="submit" data-testid="tables-search">{busy ? 'Searching…' : 'Search'}</button>
        {hits && <span data-testid="tables-count">{hits.length} row{hits.length === 1 ? '' : 's'}</span>}
      </form>
      {note && <p className="hint">{note}</p>}
      {[...byTable].map(([table, hs]) => {
        const cols = [...new Set(hs.flatMap((h) => Object.keys(h.row)))];
        return (
          <section key={table} data-testid="tables-table">
            <h4>
              {table} <span className="where">({hs[0]!.kind})</span>
            </h4>
            <div className="scroll-x" tabIndex={0} aria-label={`${table} rows`}>
              <table className="grid">
                <thead>
                  <tr>
                    <th scope="col">release</th>
                    <th scope="col">from</th>
                    <th scope="col">through</th>
                    {cols.map((c) => <th key={c} scope="col">{c}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {hs.map((h, i) => (
                    <tr key={i}>
                      <td>{h.release}</td>
                      <td>{h.from}</td>
                      <td>{h.through ?? ''}</td>
                      {cols.map((c) => <td key={c} className={c === h.column ? 'hit' : ''}>{h.row[c] ?? ''}</td>)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </div>
  );
}
