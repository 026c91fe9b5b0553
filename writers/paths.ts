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
