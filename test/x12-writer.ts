// A small 837P (005010X222A1) writer for the round-trip property test: claims in the contract's JSON
// form → an 837P file plus the minutes CSV, overlay and payer map that carry what 837P cannot. It
// writes only what the TR3 requires for the loops the reader maps (2000A/2010AA, 2000B/2010BA/
// 2010BB, 2300, 2310A/B, 2400, 2420A). Test code only.

export interface WriterStyle {
  element: string;
  component: string;
  segment: string;
  /** Written after each terminator: '', '\n' or '\r\n'. */
  newline: string;
}

export interface Written {
  x12: string;
  minutesCsv: string;
  overlay: string;
  payers: string;
}

type Obj = Record<string, unknown>;
const TAXONOMY: Record<string, string> = { OT: '225X00000X', OTA: '224Z00000X', PT: '225100000X', PTA: '225200000X', SLP: '235Z00000X' };
const d8 = (iso: string) => iso.replace(/-/g, '');
const money = (dollars: number) => (Math.round(dollars * 100) / 100).toFixed(2).replace(/\.00$/, '');

export function write837p(claims: readonly Obj[], style: WriterStyle): Written {
  const { element: E, component: C, segment: T, newline: NL } = style;
  const out: string[] = [];
  const seg = (...els: (string | undefined)[]) => out.push(els.map((e) => e ?? '').join(E).replace(new RegExp(`(\\${E})+$`), '') + T + NL);
  const pad = (s: string, n: number) => s.padEnd(n, ' ');
  // ISA: fixed-width fields (106 characters with its terminator).
  out.push(['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad('SENDER', 15), 'ZZ', pad('RECEIVER', 15), '260301', '1200', '^', '00501', '000000001', '0', 'T', C].join(E) + T + NL);
  seg('GS', 'HC', 'SENDER', 'RECEIVER', '20260301', '1200', '1', 'X', '005010X222A1');
  const payerIds = new Map<string, string>();
  const minutes: string[] = ['claim_id,line,code,minutes,assistant_minutes,rendered_by'];
  const overlay: string[] = [];
  claims.forEach((c, k) => {
    const start = out.length;
    const control = String(k + 1).padStart(4, '0');
    seg('ST', '837', control, '005010X222A1');
    seg('BHT', '0019', '00', `B${k}`, d8(c['submittedOn'] as string), '1200', 'CH');
    seg('NM1', '41', '2', 'SUBMITTER', '', '', '', '', '46', 'SUB1');
    seg('NM1', '40', '2', 'RECEIVER', '', '', '', '', '46', 'REC1');
    seg('HL', '1', '', '20', '1');
    seg('NM1', '85', '2', 'BILLING GROUP', '', '', '', '', 'XX', '1234567893');
    seg('HL', '2', '1', '22', '0');
    seg('SBR', 'P', '18', '', '', '', '', '', '', 'CI');
    const patient = (c['patient'] as Obj | undefined) ?? {};
    seg('NM1', 'IL', '1', 'DOE', 'PAT', '', '', '', 'MI', (patient['id'] as string | undefined) ?? '');
    if (patient['birthDate']) seg('DMG', 'D8', d8(patient['birthDate'] as string), 'U');
    const payer = c['payer'] as string;
    if (!payerIds.has(payer)) payerIds.set(payer, `PAYER${payerIds.size + 1}`);
    seg('NM1', 'PR', '2', 'PAYER NAME', '', '', '', '', 'PI', payerIds.get(payer));
    const lines = c['lines'] as Obj[];
    const total = lines.reduce((s, l) => s + Math.round((l['charge'] as number) * 100), 0) / 100;
    seg('CLM', c['id'] as string, money(total), '', '', [c['placeOfService'] as string, 'B', '1'].join(C), 'Y', 'A', 'Y', 'Y');
    const auth = (c['priorAuthorization'] as Obj | undefined)?.['number'] as string | undefined;
    if (auth) seg('REF', 'G1', auth);
    if (patient['id']) seg('REF', 'EA', patient['id'] as string);
    const dx = c['diagnoses'] as string[];
    if (dx.length) seg('HI', ...dx.map((d, i) => `${i === 0 ? 'ABK' : 'ABF'}${C}${d.replace('.', '')}`));
    const ref = (c['referringProvider'] as Obj | undefined)?.['npi'] as string | undefined;
    if (ref) seg('NM1', 'DN', '1', 'REFERRER', 'DOC', '', '', '', 'XX', ref);
    const provider = c['provider'] as Obj;
    seg('NM1', '82', '1', 'RENDERER', 'PROV', '', '', '', 'XX', provider['npi'] as string);
    seg('PRV', 'PE', 'PXC', TAXONOMY[provider['discipline'] as string]);
    lines.forEach((l, i) => {
      seg('LX', String(i + 1));
      const code = ['HC', l['code'] as string, ...((l['modifiers'] as string[]) ?? [])].join(C);
      const ptrs = ((l['diagnosisPointers'] as number[]) ?? []).join(C);
      seg('SV1', code, money(l['charge'] as number), 'UN', String(l['units']), (l['placeOfService'] as string | undefined) ?? '', '', ptrs);
      seg('DTP', '472', 'D8', d8(l['dateOfService'] as string));
      if (l['renderedBy'] !== provider['discipline']) {
        seg('NM1', '82', '1', 'LINE', 'RENDERER', '', '', '', 'XX', '1111111112');
        seg('PRV', 'PE', 'PXC', TAXONOMY[l['renderedBy'] as string]);
      }
      const m = l['minutes'];
      const a = l['assistantMinutes'];
      if (m !== undefined || a !== undefined) minutes.push(`${c['id'] as string},${i + 1},${l['code'] as string},${m ?? ''},${a ?? ''},`);
    });
    seg('SE', String(out.length - start + 1), control);
    const extra: Obj = { id: c['id'] };
    const pa = c['priorAuthorization'] as Obj | undefined;
    if (pa) {
      const { number: _n, ...rest } = pa;
      if (Object.keys(rest).length) extra['priorAuthorization'] = rest;
    }
    if (c['history']) extra['history'] = c['history'];
    if (Object.keys(extra).length > 1) overlay.push(JSON.stringify(extra));
  });
  seg('GE', String(claims.length), '1');
  seg('IEA', '1', '000000001');
  return {
    x12: out.join(''),
    minutesCsv: minutes.join('\n') + '\n',
    overlay: overlay.join('\n') + '\n',
    payers: JSON.stringify({ byPayerId: Object.fromEntries([...payerIds].map(([k, v]) => [v, k])) }),
  };
}
