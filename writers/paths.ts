// JSON paths as a biller reads them. The contract's `path` stays 0-based (`lines[1].code`); what a
// person reads names lines and diagnoses 1-based, as findings do ("line 2").

/** `lines[1].code` → `line 2, code`; `diagnoses[0]` → `diagnosis 1`; other paths unchanged. */
export function humanPath(path: string): string {
  if (!path) return 'the claim';
  const m = /^(lines|diagnoses)\[(\d+)\](?:\.?(.*))?$/.exec(path);
  if (!m) return path;
  const head = `${m[1] === 'lines' ? 'line' : 'diagnosis'} ${Number(m[2]) + 1}`;
  const rest = m[3] ?? '';
  return rest ? `${head}, ${rest.replace(/^(diagnosisPointers|modifiers)\[(\d+)\]/, (_s, f: string, n: string) => `${f === 'modifiers' ? 'modifier' : 'diagnosis pointer'} ${Number(n) + 1}`)}` : head;
}

/** `1 unit`, `3 units`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * An input error as a person reads it: where, then what. A message that begins with the place the
 * path already names (the engine writes `line 1: …` for `lines[0].units`, the 837P reader `line 1:
 * SV104 …` at a position ending `, line 1`) loses that prefix, so it reads `line 1, units: expected
 * a number`, not `line 1, units: line 1: expected a number`.
 */
export function errorText(path: string, message: string): string {
  const where = humanPath(path);
  const m = /^((?:line|row|diagnosis) \d+)(?:, [^:]*)?: /.exec(message);
  // `where` names the same line or row: at its start (`line 1, units`) or its end (an X12
  // position, `ST 0001 segment 27 (SV1) SV104, line 1`).
  const names = m && new RegExp(`(^|, )${m[1]}(,|$)`).test(where);
  const said = names ? message.slice(m[0].length) : message.startsWith(`${where}: `) ? message.slice(where.length + 2) : message;
  return `${where}: ${said}`;
}
