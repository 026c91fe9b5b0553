// A small in-memory reference-table provider for tests: rows written inline, the semantics of
// engine/tables.ts (release chosen by date of service; NCCI edits dated [effective, deletion);
// indicator 9 is not an edit). The real store and its indexes live in tables/.
import { parseDate } from '../engine/dates.ts';
import type { MueRow, NcciEdit, TableKind, TableProvider, TableRelease, TableReleaseInfo } from '../engine/tables.ts';

const day = (d: string | undefined) => (d ? parseDate(d) : undefined);

export interface InlineRelease {
  table: string;
  kind: TableKind;
  release: string;
  from: string;
  through?: string;
  /** Rows by kind: see each case below. */
  rows: string[][];
  /** For partial releases: the codes whose rows are complete. */
  covers?: string[];
}

function lookupOf(r: InlineRelease): TableRelease['lookup'] {
  switch (r.kind) {
    case 'ncci-ptp': {
      // [column1, column2, effective, deletion, indicator]
      const edits = r.rows.map(([c1, c2, eff, del, ind]) => ({ c1, c2, e: { effective: day(eff), deleted: day(del), modifierIndicator: Number(ind) as 0 | 1 | 9 } satisfies NcciEdit }));
      return {
        edit: (c1: string, c2: string, d: number) => edits.find((x) => x.c1 === c1 && x.c2 === c2 && x.e.modifierIndicator !== 9 && (x.e.effective === undefined || x.e.effective <= d) && (x.e.deleted === undefined || d < x.e.deleted))?.e,
        ...(r.covers ? { covers: (c1: string, c2: string) => r.covers!.includes(c1) || r.covers!.includes(c2) } : {}),
      };
    }
    case 'mue': {
      // [code, value, mai]
      const rows = new Map(r.rows.map(([code, value, mai]) => [code!, { value: Number(value), mai: Number(mai) as 1 | 2 | 3, rationale: 'test' } satisfies MueRow]));
      return { mue: (code: string) => rows.get(code) };
    }
    case 'icd10cm': {
      // [dotless code, billable 0/1]
      const rows = new Map(r.rows.map(([code, b]) => [code!, b === '1' ? ('billable' as const) : ('header' as const)]));
      return { diagnosis: (code: string) => rows.get(code) };
    }
    case 'procedure-codes': {
      // [code, added, terminated, status]
      const rows = new Map(r.rows.map(([code, added, term, status]) => [code!, { added: day(added), terminated: day(term), status: status || undefined }]));
      return { procedure: (code: string) => rows.get(code), ...(r.covers ? { covers: (code: string) => r.covers!.some((p) => code.startsWith(p)) } : {}) };
    }
    case 'fee-schedule': {
      // [code, non-facility cents, facility cents]
      const rows = new Map(r.rows.map(([code, nf, f]) => [code!, [Number(nf), Number(f)] as const]));
      return { amount: (code: string, _m: readonly string[], _d: number, facility: boolean) => rows.get(code)?.[facility ? 1 : 0] };
    }
  }
}

/** A TableProvider over inline releases. */
export function inlineTables(releases: InlineRelease[]): TableProvider {
  const loaded = releases.map((r) => {
    const info: TableReleaseInfo = { table: r.table, kind: r.kind, release: r.release, from: r.from, source: 'inline test rows', rows: r.rows.length };
    if (r.through) info.through = r.through;
    return { info, lookup: lookupOf(r), from: parseDate(r.from)! };
  });
  return {
    tables: () => [...new Map(loaded.map((l) => [l.info.table, { table: l.info.table, kind: l.info.kind }])).values()],
    release: (table, d) => loaded.filter((l) => l.info.table === table && l.from <= d).sort((a, b) => b.from - a.from)[0],
    releases: (table) => loaded.filter((l) => l.info.table === table).map((l) => l.info),
  };
}
