// `eval --format csv`: the biller's worklist, one row per thing to look at — each finding, each reason
// a claim is invalid, each check that could not run, each note from the claim file — and one row
// for each claim with no findings (its status, the finding cells empty), so every claim of the input
// is in the file and a clean claim is told apart from one that was dropped. Opens cleanly in a
// spreadsheet:
// - RFC 4180: fields quoted when they hold a comma, quote or line break; CRLF between rows.
// - A UTF-8 byte-order mark first, because Excel on Windows reads a CSV without one in the local
//   code page and garbles "→", "§" and "—" in messages (LibreOffice, Numbers and papaparse accept it).
// - Formula-injection safe (OWASP "CSV Injection"): a cell that starts with = + - @ tab or CR gets a
//   leading apostrophe, so no spreadsheet runs text from a claim file as a formula.
// Rows stream: the header once, then each report's rows as it comes.
import Papa from 'papaparse';
import { errorText } from './paths.ts';
import { linesOf } from './text.ts';
import type { EvalReport } from './types.ts';

export const CSV_BOM = '\uFEFF';
export const CSV_HEADER = ['claim', 'status', 'line', 'code', 'rule', 'kind', 'severity', 'message', 'fix', 'citation'] as const;

/** Neutralizes a cell a spreadsheet would run as a formula. */
export function safeCell(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

function encode(rows: string[][]): string {
  return rows.length ? Papa.unparse(rows.map((r) => r.map(safeCell)), { newline: '\r\n' }) + '\r\n' : '';
}

/** The header row (with the byte-order mark) that starts the file. */
export function csvStart(): string {
  return CSV_BOM + encode([[...CSV_HEADER]]);
}

/** A report's rows: at least one per claim (a claim with no findings has a row with its status). */
export function csvRows(r: EvalReport): string {
  const claim = r.claimId ?? '';
  const rows: string[][] = [];
  const row = (line: number | undefined, code: string, rule: string, kind: string, severity: string, message: string, fix = '', citation = '') =>
    rows.push([claim, r.status, line === undefined ? '' : String(line), code, rule, kind, severity, message, fix, citation]);
  if (r.status === 'invalid') {
    for (const e of r.errors) {
      const m = /^lines\[(\d+)\]/.exec(e.path);
      row(m ? Number(m[1]) + 1 : undefined, '', '', 'invalid-claim', 'error', errorText(e.path, e.message), 'correct the claim file and run it again');
    }
  } else {
    const codeOf = new Map(r.lines.map((l) => [l.line, l.code]));
    // No findings: the claim's own row, its status and nothing to fix (empty rule, kind, severity, message).
    if (r.findings.length === 0) row(undefined, '', '', '', '', '');
    for (const f of r.findings) row(f.line, f.code ?? '', f.rule, f.kind, f.severity, f.message, f.fix ?? '', f.citation ?? '');
    // A check that could not run: one row for it, naming the lines it concerns ("1, 2, 3"; empty for
    // the whole claim). Its severity is empty: it is not a finding, and never filters as one.
    for (const n of r.notChecked ?? []) {
      const ls = linesOf(n);
      const codes = [...new Set(ls.map((l) => codeOf.get(l) ?? ''))].filter(Boolean).join(', ');
      rows.push([claim, r.status, ls.join(', '), codes, n.rule, 'not-checked', '', `not checked: ${n.reason}`, '', '']);
    }
  }
  for (const n of r.input ?? []) if (!(r.status === 'invalid' && n.severity === 'error')) row(/line (\d+)/.exec(n.where) ? Number(/line (\d+)/.exec(n.where)![1]) : undefined, '', '', n.code, n.severity, `${n.message} (at ${n.where})`);
  return encode(rows);
}
