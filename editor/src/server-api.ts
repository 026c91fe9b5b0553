// The studio server's checking API, as the page and its batch worker call it (no `document` here:
// a worker has none, so the per-launch token is passed in). Every answer says how the claims were
// checked: whether the reference tables were available (and why not), and which ruleset files
// did not compile and were left out.

/** How an answer was checked (studio/evaluate.ts `Checked`). */
export interface Checked {
  tables: { available: true } | { available: false; why: string; rules?: string[] };
  leftOut: { path: string; errors: number; first: string }[];
}

/** An answer, or why there is none: the server said no (`error`), or it could not be reached. */
export type CheckAnswer<T> = ({ ok: true } & T & Checked) | { ok: false; error: string };

export async function errorOf(r: Response): Promise<string> {
  try {
    return ((await r.json()) as { error: string }).error;
  } catch {
    return `the studio answered ${r.status}`;
  }
}

export const UNREACHABLE = 'the studio server cannot be reached (is `payer-rules studio` still running?); nothing was checked';

export async function postJson<T>(route: string, body: unknown, token: string, signal?: AbortSignal): Promise<CheckAnswer<T>> {
  let r: Response;
  try {
    r = await fetch(route, { method: 'POST', headers: { 'content-type': 'application/json', 'x-studio-token': token }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    return { ok: false, error: UNREACHABLE };
  }
  if (!r.ok) return { ok: false, error: await errorOf(r) };
  const answer = (await r.json()) as (T & Checked) | { error: string };
  // A check the person must fix something for first (the buffer has errors) comes as { error }.
  if ('error' in answer && typeof answer.error === 'string') return { ok: false, error: answer.error };
  return { ok: true, ...(answer as T & Checked) };
}
