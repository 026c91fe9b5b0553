// Money as a biller reads it. Amounts inside the engine are integer cents (engine/tables.ts).

/** Cents as dollars for a biller: $2,512.40. */
export function dollars(cents: number): string {
  const a = Math.abs(cents);
  // Whole cents under $10 billion (any amount a claim gives): the digits toFixed gives, and the
  // separators, by integer arithmetic (messages name amounts per line). Anything else by toFixed.
  if (Number.isInteger(a) && a < 1e12) {
    const frac = a % 100;
    let rest = (a - frac) / 100;
    let s = `.${frac < 10 ? '0' : ''}${frac}`;
    while (rest >= 1000) {
      const g = rest % 1000;
      s = `,${g < 10 ? '00' : g < 100 ? '0' : ''}${g}${s}`;
      rest = (rest - g) / 1000;
    }
    return `${cents < 0 ? '-' : ''}$${rest}${s}`;
  }
  const s = (a / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${cents < 0 ? '-' : ''}$${s}`;
}
