// Small value conversions the readers share: dates, ICD-10 dots, money, disciplines from NUCC
// taxonomy codes. Pure functions, no Node built-ins.
import { parseDate } from '../engine/dates.ts';

/** `CCYYMMDD` → `YYYY-MM-DD`, or undefined when it is not a real calendar day. */
export function x12Date(s: string | undefined): string | undefined {
  if (!s || !/^\d{8}$/.test(s)) return undefined;
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  return parseDate(iso) === undefined ? undefined : iso;
}

/** ICD-10-CM codes travel without their dot in 837P and in many exports: `I69351` → `I69.351`. */
export function icd10(code: string): string {
  const c = code.trim().toUpperCase();
  return c.length > 3 && !c.includes('.') ? `${c.slice(0, 3)}.${c.slice(3)}` : c;
}

/** A decimal dollar amount as X12 and spreadsheets write it (`120`, `79.04`), or undefined. */
export function dollars(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  return /^\d+(\.\d+)?$/.test(t) || /^\.\d+$/.test(t) ? Number(t) : undefined;
}

export type Who = 'OT' | 'OTA' | 'PT' | 'PTA' | 'SLP';

/**
 * NUCC provider taxonomy → who renders, by code prefix (NUCC Health Care Provider Taxonomy code set:
 * 225X occupational therapist, 224Z occupational therapy assistant, 2251 physical therapist,
 * 225200000X physical therapy assistant, 235Z speech-language pathologist).
 */
const TAXONOMY: readonly [string, Who][] = [
  ['225X', 'OT'],
  ['224Z', 'OTA'],
  ['2251', 'PT'],
  ['2252', 'PTA'],
  ['235Z', 'SLP'],
];

export function whoFromTaxonomy(taxonomy: string | undefined): Who | undefined {
  if (!taxonomy) return undefined;
  for (const [prefix, who] of TAXONOMY) if (taxonomy.startsWith(prefix)) return who;
  return undefined;
}

/** The discipline an assistant works under (the claim's provider is the supervising therapist). */
export function disciplineOf(who: Who): 'OT' | 'PT' | 'SLP' {
  return who === 'OTA' ? 'OT' : who === 'PTA' ? 'PT' : who;
}

/** GO/GP/GN → the discipline they mark. */
export const MODIFIER_DISCIPLINE: Readonly<Record<string, 'OT' | 'PT' | 'SLP'>> = { GO: 'OT', GP: 'PT', GN: 'SLP' };
