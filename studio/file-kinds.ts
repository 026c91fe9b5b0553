// The kinds of file the studio reads and writes: one table, everything else (the listing, the
// path check, the editor's "New file" choices) derives from it. Anything else under the rulesets
// folder — package.json, dotfiles, lock files, sources — is invisible to the studio and never
// written, even when --rulesets points at a project root. Browser-safe (no Node built-ins).

export const FILE_KINDS = {
  ruleset: { doc: 'a payer ruleset version', test: (parts: readonly string[]) => last(parts).endsWith('.payer') },
  cases: { doc: 'ruleset test cases (YAML)', test: (parts: readonly string[]) => /\.cases\.ya?ml$/.test(last(parts)) },
  claims: {
    doc: 'sample claims: JSON, NDJSON, X12 837P or CSV inside a claims/ folder',
    test: (parts: readonly string[]) => parts.length >= 2 && parts[parts.length - 2] === 'claims' && /\.(json|ndjson|837|x12|edi|csv)$/.test(last(parts)),
  },
} as const;

export type FileKind = keyof typeof FILE_KINDS;

function last(parts: readonly string[]): string {
  return parts[parts.length - 1] ?? '';
}

/** The kind of a `/`-separated path relative to the rulesets folder, or undefined when the studio does not handle it. */
export function kindOf(rel: string): FileKind | undefined {
  const parts = rel.split('/');
  for (const k of Object.keys(FILE_KINDS) as FileKind[]) if (FILE_KINDS[k].test(parts)) return k;
  return undefined;
}

/**
 * Why a file or folder name is refused, or undefined when it is fine. Control characters (newlines
 * included) and Unicode bidirectional overrides can make a name display as something else in a
 * terminal, a file tree or a diff (CVE-2021-42574, "Trojan Source"), so the studio neither shows
 * nor writes such names. Dot names are hidden files (or `.`/`..`).
 */
export function badName(name: string): string | undefined {
  if (name === '') return 'an empty name';
  if (name.startsWith('.')) return 'a hidden name (starting with a dot)';
  if (name.length > 255) return 'a name longer than 255 characters';
  // C0 and C1 controls, DEL; bidi embeddings, overrides and isolates; line/paragraph separators.
  if (/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]/.test(name)) return 'control or bidirectional-override characters';
  if (/[\\/:*?"<>|]/.test(name)) return 'a character file names cannot portably hold (\\ / : * ? " < > |)';
  return undefined;
}

/** A name as it may be shown in a warning: control and bidi characters escaped. */
export function escapeName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
