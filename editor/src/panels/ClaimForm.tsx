// A claim as a form: payer and date of service (which choose the ruleset version), place of
// service, discipline, diagnoses, and service lines with code completion from the ruleset's code
// sets. It edits the same JSON the JSON view shows, so both stay in sync.
import type { FormInfo } from '../protocol.ts';

type Json = Record<string, unknown>;

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const num = (s: string): number | undefined => (s.trim() === '' || !/^-?\d+(\.\d+)?$/.test(s.trim()) ? undefined : Number(s));
const list = (s: string) => s.split(/[,\s]+/).map((x) => x.trim()).filter(Boolean);

function setOrDelete(o: Json, key: string, v: unknown): void {
  if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete o[key];
  else o[key] = v;
}

export function versionFor(info: FormInfo, payer: string, dos: string): string {
  const p = info.payers.find((x) => x.id === payer);
  if (!p) return payer ? `no ruleset \`${payer}\`` : 'choose a payer';
  if (!dos) return 'choose a date of service';
  const v = p.versions.filter((x) => x.from <= dos && (!x.through || dos <= x.through)).pop();
  return v ? `version ${v.version} (${v.from} through ${v.through ?? 'open'})` : `no version of ${payer} covers ${dos}`;
}

/**
 * `openPayer`: the ruleset open in the editor, which a claim naming no payer is checked against —
 * the form shows it (and its version) as the payer in use, as the findings do.
 */
export function ClaimForm(props: { claim: Json; info: FormInfo; openPayer?: string | undefined; onChange: (c: Json) => void }) {
  const c = props.claim;
  const payerInUse = str(c['payer']) || props.openPayer || '';
  const lines = (Array.isArray(c['lines']) ? c['lines'] : []) as Json[];
  const provider = (c['provider'] && typeof c['provider'] === 'object' ? c['provider'] : {}) as Json;
  const update = (f: (x: Json) => void) => {
    const next = structuredClone(c);
    f(next);
    props.onChange(next);
  };
  const setLine = (i: number, key: string, v: unknown) =>
    update((x) => {
      const ls = (x['lines'] as Json[]) ?? [];
      setOrDelete(ls[i]!, key, v);
    });
  return (
    <form className="claim-form" data-testid="claim-form" onSubmit={(e) => e.preventDefault()}>
      <div className="row">
        <label>
          Claim id
          <input value={str(c['id'])} onChange={(e) => update((x) => setOrDelete(x, 'id', e.target.value))} data-testid="form-id" />
        </label>
        <label>
          Payer
          <select value={str(c['payer'])} onChange={(e) => update((x) => setOrDelete(x, 'payer', e.target.value))} data-testid="form-payer">
            <option value="">{props.openPayer ? `${props.openPayer} (the open ruleset)` : '(none: choose a payer)'}</option>
            {props.info.payers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Date of service
          <input type="date" value={str(c['dateOfService'])} onChange={(e) => update((x) => setOrDelete(x, 'dateOfService', e.target.value))} data-testid="form-dos" />
        </label>
        <span className="version" data-testid="form-version">
          {versionFor(props.info, payerInUse, str(c['dateOfService']))}
        </span>
      </div>
      <div className="row">
        <label>
          Place of service
          <input value={str(c['placeOfService'])} size={4} onChange={(e) => update((x) => setOrDelete(x, 'placeOfService', e.target.value))} data-testid="form-pos" />
        </label>
        <label>
          Discipline
          <select value={str(provider['discipline'])} onChange={(e) => update((x) => { const p = { ...((x['provider'] as Json) ?? {}) }; setOrDelete(p, 'discipline', e.target.value); setOrDelete(x, 'provider', Object.keys(p).length ? p : undefined); })} data-testid="form-discipline">
            <option value="">—</option>
            {props.info.disciplines.map((d) => <option key={d}>{d}</option>)}
          </select>
        </label>
        <label className="grow">
          Diagnoses (ICD-10-CM, comma separated)
          <input value={Array.isArray(c['diagnoses']) ? (c['diagnoses'] as string[]).join(', ') : ''} onChange={(e) => update((x) => setOrDelete(x, 'diagnoses', list(e.target.value)))} data-testid="form-dx" />
        </label>
      </div>
      <datalist id="form-codes">
        {props.info.codes.map((k) => (
          <option key={k.code} value={k.code}>
            {k.sets.join(', ')}
          </option>
        ))}
      </datalist>
      <table className="lines">
        <caption>Service lines</caption>
        {/* Fixed columns that share the form's width: the table fits its column at 1400 px, ✕ included. */}
        <colgroup>
          <col className="c-no" />
          <col className="c-code" />
          <col className="c-mods" />
          <col className="c-num" />
          <col className="c-num" />
          <col className="c-by" />
          <col className="c-ptr" />
          <col className="c-charge" />
          <col className="c-rm" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Code</th>
            <th scope="col">Modifiers</th>
            <th scope="col">Minutes</th>
            <th scope="col">Units</th>
            <th scope="col">Rendered by</th>
            <th scope="col">Dx pointers</th>
            <th scope="col">Charge $</th>
            <th scope="col"><span className="sr-only">Remove</span></th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l, i) => (
            <tr key={i} data-testid="form-line">
              <td>{i + 1}</td>
              <td>
                <input aria-label={`line ${i + 1} code`} list="form-codes" size={7} value={str(l['code'])} onChange={(e) => setLine(i, 'code', e.target.value.toUpperCase())} data-testid="form-code" />
              </td>
              <td>
                <input aria-label={`line ${i + 1} modifiers`} size={9} value={Array.isArray(l['modifiers']) ? (l['modifiers'] as string[]).join(' ') : ''} onChange={(e) => setLine(i, 'modifiers', list(e.target.value.toUpperCase()))} title={props.info.modifiers.map((m) => `${m.code}: ${m.doc}`).join('\n')} data-testid="form-modifiers" />
              </td>
              <td>
                <input aria-label={`line ${i + 1} minutes`} size={4} inputMode="numeric" value={str(l['minutes'])} onChange={(e) => setLine(i, 'minutes', num(e.target.value))} data-testid="form-minutes" />
              </td>
              <td>
                <input aria-label={`line ${i + 1} units`} size={3} inputMode="numeric" value={str(l['units'])} onChange={(e) => setLine(i, 'units', num(e.target.value))} data-testid="form-units" />
              </td>
              <td>
                <select aria-label={`line ${i + 1} rendered by`} value={str(l['renderedBy'])} onChange={(e) => setLine(i, 'renderedBy', e.target.value)} data-testid="form-rendered-by">
                  <option value="">—</option>
                  {props.info.renderers.map((r) => <option key={r}>{r}</option>)}
                </select>
              </td>
              <td>
                <input aria-label={`line ${i + 1} diagnosis pointers`} size={5} value={Array.isArray(l['diagnosisPointers']) ? (l['diagnosisPointers'] as number[]).join(' ') : ''} onChange={(e) => setLine(i, 'diagnosisPointers', list(e.target.value).map(Number).filter((n) => Number.isInteger(n)))} />
              </td>
              <td>
                <input aria-label={`line ${i + 1} charge`} size={7} inputMode="decimal" value={str(l['charge'])} onChange={(e) => setLine(i, 'charge', num(e.target.value))} />
              </td>
              <td>
                <button type="button" aria-label={`remove line ${i + 1}`} onClick={() => update((x) => (x['lines'] as Json[]).splice(i, 1))}>
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        // A new line points at the first diagnosis when the claim has one (a line pointing nowhere is DX-LINE-POINTER).
        onClick={() => update((x) => (x['lines'] = [...((x['lines'] as Json[]) ?? []), { code: '', units: 1, ...(Array.isArray(x['diagnoses']) && x['diagnoses'].length ? { diagnosisPointers: [1] } : {}) }]))}
        data-testid="form-add-line"
      >
        Add a line
      </button>
    </form>
  );
}
