// Realistic generated claims for benchmarks and property tests: therapy codes mixed across
// disciplines, 1–6 lines, modifiers sometimes missing or wrong, a share of malformed claims.
// Deterministic for a given seed. Patient ids and birth dates are synthetic markers.

const TIMED = ['97110', '97112', '97116', '97140', '97530', '97535', '97542', '97035', '97032', '97750', '97760'];
const UNTIMED = ['97161', '97162', '97163', '97164', '97165', '97166', '97167', '97168', '97010', '97012', '97150', 'G0283', '92507', '92521', '92526'];
const OTHER = ['99213', '99203', '97597', '20610'];
const MODS = ['GO', 'GP', 'GN', 'KX', 'CQ', 'CO', '59', 'XU', '95', '93'];
const POS = ['11', '11', '11', '22', '02', '10', '12'];
const DX = ['I69.351', 'M62.81', 'M54.50', 'R26.89', 'G81.91', 'S72.001A', 'R13.12', 'F80.0'];

/** A small seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  /** Share of claims whose lines fall on several dates of service (default 0.3). */
  multiDate?: number;
  /** Share of multi-date claims that run from late December into January (default 0.2). */
  crossYear?: number;
}

/** Adds days to a YYYY-MM-DD date. */
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function generateClaim(r: () => number, n: number, payers: readonly string[] = ['medicare-part-b'], opts: GenerateOptions = {}): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const discipline = pick(['OT', 'PT', 'SLP'] as const);
  const dmod = { OT: 'GO', PT: 'GP', SLP: 'GN' }[discipline];
  const year = pick([2024, 2025, 2026, 2026, 2026]);
  const multi = r() < (opts.multiDate ?? 0.3);
  const crossYear = multi && year < 2026 && r() < (opts.crossYear ?? 0.2);
  const dos = crossYear ? `${year}-12-${String(20 + Math.floor(r() * 12)).padStart(2, '0')}` : `${year}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
  // Dates of a multi-date claim: the claim's date, then visits a few days apart (up to 5 dates).
  const visitDates = [dos];
  if (multi) for (let k = 1, gap = 0; k < 1 + Math.floor(r() * 5); k++) visitDates.push(addDays(dos, (gap += 1 + Math.floor(r() * (crossYear ? 6 : 9)))));
  const nLines = 1 + Math.floor(r() * 6);
  const diagnoses = Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(DX));
  const lines = Array.from({ length: nLines }, () => {
    const kind = r();
    const code = kind < 0.6 ? pick(TIMED) : kind < 0.9 ? pick(UNTIMED) : pick(OTHER);
    const minutes = Math.floor(r() * 50);
    const mods: string[] = [];
    if (r() < 0.85) mods.push(r() < 0.9 ? dmod : pick(['GO', 'GP', 'GN']));
    if (r() < 0.25) mods.push(pick(MODS));
    const line: Record<string, unknown> = {
      code,
      modifiers: [...new Set(mods)],
      units: Math.max(0, Math.floor((minutes + 7) / 15) + (r() < 0.2 ? 1 : r() < 0.1 ? -1 : 0)),
      minutes,
      renderedBy: r() < 0.2 ? { OT: 'OTA', PT: 'PTA', SLP: 'SLP' }[discipline] : discipline,
      assistantMinutes: r() < 0.2 ? Math.floor(r() * minutes) : 0,
      diagnosisPointers: Array.from({ length: 1 + Math.floor(r() * (r() < 0.05 ? 6 : 3)) }, () => 1 + Math.floor(r() * (diagnoses.length + (r() < 0.1 ? 2 : 0)))),
      charge: Math.round(r() * 20000) / 100,
    };
    if (r() < 0.1) line['placeOfService'] = pick(POS);
    if (multi) line['dateOfService'] = pick(visitDates);
    if (r() < 0.3) line['allowed'] = Math.round(r() * 6000) / 100;
    return line;
  });
  const claim: Record<string, unknown> = {
    id: `GEN-${n}`,
    payer: pick(payers),
    patient: { id: `PAT-MARKER-${n}`, birthDate: `19${40 + Math.floor(r() * 60)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}` },
    provider: { npi: '1234567893', discipline },
    dateOfService: dos,
    placeOfService: pick(POS),
    diagnoses,
    history: {
      visitsThisYear: Math.floor(r() * 40),
      ...(r() < 0.5 ? { visitsThisEpisode: Math.floor(r() * 12), episodeStart: addDays(dos, -Math.floor(r() * 80)) } : {}),
      therapyAllowedThisYear: { OT: Math.round(r() * 300000) / 100, PT_SLP: Math.round(r() * 300000) / 100 },
    },
    lines,
  };
  if (r() < 0.3) claim['priorAuthorization'] = { number: `PA-${n}`, from: `${year}-01-05`, to: `${year}-0${1 + Math.floor(r() * 9)}-28`, visits: 12, ...(r() < 0.5 ? { visitsUsed: Math.floor(r() * 14) } : {}) };
  // A share of malformed claims: wrong types, missing lines, bad codes, impossible dates.
  const bad = r();
  if (bad < 0.02) claim['lines'] = [];
  else if (bad < 0.04) (lines[0] as Record<string, unknown>)['minutes'] = -5;
  else if (bad < 0.05) claim['dateOfService'] = `${year}-02-30`;
  else if (bad < 0.06) (lines[0] as Record<string, unknown>)['code'] = 9711;
  return claim;
}

/** A realistic ruleset of about `lines` lines: code sets, domain blocks and general rules. */
export function generateRuleset(lines: number): string {
  const out = ['# generated for the benchmark', 'ruleset bench-plan "Benchmark"', 'version 2026.1 effective 2026-01-01 through 2026-12-31', ''];
  const sets = Math.max(1, Math.floor(lines / 10));
  for (let i = 0; i < sets; i++) out.push(`codes set-${i} = ${97000 + (i % 900)}, ${97100 + (i % 800)}..${97105 + (i % 800)}, G0${String(283 + (i % 700)).padStart(3, '0')}`);
  out.push('', 'units {', '  timed codes set-0', '  untimed codes set-1', '  UNITS-TIME: method total-time cite "MCPM ch.5 §20.2"', '}', '', 'modifiers {');
  for (let i = 0; out.length < lines * 0.5; i++) out.push(`  MOD-${i}: require one of GO, GP, GN on set-${i % sets} cite "MCPM ch.5 §20.1"`);
  out.push('}', '');
  for (let i = 0; out.length < lines - 6; i++) {
    out.push(`rule R-${i} "generated rule ${i}" warning {`, `  when line.code in set-${i % sets} and line.units > ${1 + (i % 6)} and claim.dateOfService >= 2026-0${1 + (i % 9)}-01`, `  cite "generated"`, '}', '');
  }
  return out.join('\n') + '\n';
}

/**
 * The 16 MB ruleset issue 10 counts (16,000,000 characters and a little more), under the checker's
 * per-file limit of 16 MiB (a larger file is refused with PR1005 before it is read).
 */
export function bigRuleset(): { text: string; lines: number } {
  let lines = 5000;
  let text = generateRuleset(lines);
  for (let k = 0; k < 10 && (text.length < 16_000_000 || text.length > 16 * 2 ** 20); k++) text = generateRuleset((lines = Math.ceil(lines * (16_300_000 / text.length))));
  return { text, lines };
}
