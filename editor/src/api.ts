// The studio server's file API.
export interface FileEntry {
  path: string;
  version: string;
  size: number;
}

export async function listFiles(): Promise<FileEntry[]> {
  const r = await fetch('/api/files');
  if (!r.ok) throw new Error(`cannot list files (${r.status})`);
  return ((await r.json()) as { files: FileEntry[] }).files;
}

export async function readFile(path: string): Promise<{ text: string; version: string }> {
  const r = await fetch(`/api/file?path=${encodeURIComponent(path)}`);
  if (!r.ok) throw new Error(((await r.json()) as { error: string }).error);
  return (await r.json()) as { text: string; version: string };
}

export type SaveResult = { ok: true; version: string } | { ok: false; conflict: true; text: string | null; version: string | null } | { ok: false; conflict: false; error: string };

export async function saveFile(path: string, text: string, baseVersion: string | null): Promise<SaveResult> {
  const r = await fetch('/api/file', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path, text, baseVersion }) });
  const body = (await r.json()) as { version: string; text: string | null; error: string };
  if (r.ok) return { ok: true, version: body.version };
  if (r.status === 409) return { ok: false, conflict: true, text: body.text, version: body.version };
  return { ok: false, conflict: false, error: body.error };
}
