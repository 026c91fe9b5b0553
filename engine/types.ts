// The value types of the rules language. Claim fields, literals and operators are typed with them;
// the checker rejects comparisons between incompatible types before anything runs.

export const SCALAR_TYPES = ['number', 'money', 'percent', 'date', 'duration', 'code', 'modifier', 'pos', 'diagnosis', 'text', 'boolean'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];
export type ValueType = ScalarType | `list<${ScalarType}>`;

/** Types that are code-like: compared for equality, placed in code sets, never ordered. */
export const CODE_TYPES: ReadonlySet<ValueType> = new Set(['code', 'modifier', 'pos', 'diagnosis', 'text']);

export function elementType(t: ValueType): ScalarType | undefined {
  const m = /^list<(.+)>$/.exec(t);
  return m ? (m[1] as ScalarType) : undefined;
}

/** How a person reads a type in a message. */
export function describeType(t: ValueType): string {
  const el = elementType(t);
  if (el) return `a list of ${describeType(el).replace(/^an? /, '')}s`;
  const names: Record<ScalarType, string> = {
    number: 'a number',
    money: 'an amount of money',
    percent: 'a percentage',
    date: 'a date',
    duration: 'a duration',
    code: 'a procedure code',
    modifier: 'a modifier',
    pos: 'a place of service',
    diagnosis: 'a diagnosis code',
    text: 'text',
    boolean: 'a yes/no value',
  };
  return names[t as ScalarType];
}
