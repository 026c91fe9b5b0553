// Shapes of the code systems a claim and a ruleset use: CPT, HCPCS Level II, ICD-10-CM, modifiers,
// places of service. One table; the claim schema and the ruleset checker both read it.

export type CodeKind = 'procedure' | 'modifier' | 'pos' | 'diagnosis';

/** A code system: what its codes look like, and how a person would describe that shape. */
export interface CodeShape {
  kind: CodeKind;
  pattern: RegExp;
  describe: string;
}

export const CODE_SHAPES: Record<CodeKind, CodeShape> = {
  // CPT Category I: 5 digits; Category II/III: 4 digits + F/T; HCPCS Level II: a letter + 4 digits.
  procedure: {
    kind: 'procedure',
    pattern: /^(?:\d{5}|\d{4}[FT]|[A-V]\d{4})$/,
    describe: 'a CPT code (5 digits, or 4 digits and F or T) or a HCPCS Level II code (a letter and 4 digits)',
  },
  modifier: { kind: 'modifier', pattern: /^[A-Z0-9]{2}$/, describe: 'a modifier (2 letters or digits)' },
  pos: { kind: 'pos', pattern: /^\d{2}$/, describe: 'a place-of-service code (2 digits)' },
  // ICD-10-CM: a letter, a digit, a letter or digit (the category), then up to 4 more characters,
  // written after a dot or without it (M54.50 or M5450). U codes are valid: U07.1, U09.9.
  diagnosis: {
    kind: 'diagnosis',
    pattern: /^[A-Z]\d[0-9A-Z](?:\.?[0-9A-Z]{1,4})?$/,
    describe: 'an ICD-10-CM code (a letter, a digit, a letter or digit, then up to 4 more, with or without a dot after the third)',
  },
};

/** An ICD-10-CM code in its written form: upper case, with the dot after the category (M5450 → M54.50). */
export function canonicalDiagnosis(text: string): string {
  const t = text.toUpperCase().replace('.', '');
  return t.length > 3 ? `${t.slice(0, 3)}.${t.slice(3)}` : t;
}

/** An ICD-10-CM code as the CDC files and reference tables key it: upper case, no dot. */
export function dotlessDiagnosis(text: string): string {
  return text.toUpperCase().replace('.', '');
}

export function isCode(kind: CodeKind, text: string): boolean {
  return CODE_SHAPES[kind].pattern.test(text);
}

/**
 * Compares two procedure codes of the same shape for range membership: 97010..97028 holds every
 * 5-digit code between them; G0281..G0283 holds the HCPCS codes with the same letter in between.
 * Codes of different shapes are never ordered (returns undefined).
 */
export function compareCodes(a: string, b: string): number | undefined {
  if (a.length !== b.length) return undefined;
  const pa = a.replace(/\d/g, '9');
  const pb = b.replace(/\d/g, '9');
  if (pa !== pb) return undefined;
  // Same letter positions must hold the same letters (G0283 vs K0283 are not ordered).
  for (let i = 0; i < a.length; i++) {
    const ca = a[i]!;
    if (!/\d/.test(ca) && ca !== b[i]) return undefined;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether a 10-digit NPI passes its check digit: the Luhn algorithm over the prefix 80840 and the
 * first 9 digits (CMS NPI standard): 1234567893 passes, 1234567890 does not.
 */
export function npiCheckDigitValid(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  const digits = `80840${npi.slice(0, 9)}`;
  let sum = 0;
  // From the right, every second digit (starting with the rightmost of the 14) is doubled.
  for (let i = digits.length - 1, k = 0; i >= 0; i--, k++) {
    let d = digits.charCodeAt(i) - 48;
    if (k % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10 === npi.charCodeAt(9) - 48;
}
