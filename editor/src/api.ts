// The studio server's API. Every request carries the per-launch token the server put in the page
// (the server refuses changes without it or the page's own Origin).
export interface FileEntry {
  path: string;
  kind: 'ruleset' | 'cases' | 'claims';
  version?: string;
  size: number;
  header?: { id: string; version?: string; from?: string; through?: string };
}

const token = document.querySelector<HTMLMetaElement>('meta[name="studio-token"]')?.content ?? '';
const headers = (json = false): Record<string, string> => ({ 'x-studio-token': token, ...(json ? { 'content-type': 'application/json' } : {}) });

async function errorOf(r: Response): Promise<string> {
  try {
    return ((await r.json()) as { error: string }).error;
  } catch {
    return `the studio answered ${r.status}`;
  }
}

export async function listFiles(): Promise<{ files: FileEntry[]; warnings: string[] }> {
  const r = await fetch('/api/files', { headers: headers() });
  if (!r.ok) throw new Error(`cannot list files: ${await errorOf(r)}`);
  return (await r.json()) as { files: FileEntry[]; warnings: string[] };
}

export async function readFile(path: string): Promise<{ text: string; version: string }> {
  const r = await fetch(`/api/file?path=${encodeURIComponent(path)}`, { headers: headers() });
  if (!r.ok) throw new Error(await errorOf(r));
  return (await r.json()) as { text: string; version: string };
}

export type SaveResult = { ok: true; version: string } | { ok: false; conflict: true; text: string | null; version: string | null } | { ok: false; conflict: false; error: string };

export async function saveFile(path: string, text: string, baseVersion: string | null): Promise<SaveResult> {
  const r = await fetch('/api/file', { method: 'PUT', headers: headers(true), body: JSON.stringify({ path, text, baseVersion }) });
  const body = (await r.json()) as { version: string; text: string | null; error: string };
  if (r.ok) return { ok: true, version: body.version };
  if (r.status === 409 && 'text' in body) return { ok: false, conflict: true, text: body.text, version: body.version };
  return { ok: false, conflict: false, error: body.error };
}

export interface NewVersionResult {
  newPath: string;
  previousPath: string;
  previousVersion: string;
  version: string;
  effective: string;
  through?: string;
  notes: string[];
}

export async function newVersion(ruleset: string, version: string, effective?: string): Promise<NewVersionResult> {
  const r = await fetch('/api/new-version', { method: 'POST', headers: headers(true), body: JSON.stringify({ ruleset, version, ...(effective ? { effective } : {}) }) });
  if (!r.ok) throw new Error(await errorOf(r));
  return (await r.json()) as NewVersionResult;
}

export interface TableHit {
  table: string;
  kind: string;
  release: string;
  from: string;
  through?: string;
  column: string;
  row: Record<string, string>;
}

export async function searchTables(code: string): Promise<{ code: string; hits: TableHit[]; note?: string; truncated?: Record<string, number> }> {
  const r = await fetch(`/api/tables/search?code=${encodeURIComponent(code)}`, { headers: headers() });
  if (!r.ok) throw new Error(await errorOf(r));
  return (await r.json()) as { code: string; hits: TableHit[]; note?: string };
}
