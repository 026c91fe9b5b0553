// The studio server's API. Every request carries the per-launch token the server put in the page
// (the server refuses changes without it or the page's own Origin).
import { errorOf, postJson, type CheckAnswer, type Checked } from './server-api.ts';
import type { Job } from './batch-jobs.ts';
import type { HarnessResult } from '../../engine/harness.ts';
import type { RulesetDiff } from '../../engine/diff.ts';
import type { EvalReport } from '../../writers/index.ts';

export type { Checked, CheckAnswer } from './server-api.ts';

export interface FileEntry {
  path: string;
  kind: 'ruleset' | 'cases' | 'claims';
  version?: string;
  size: number;
  header?: { id: string; version?: string; from?: string; through?: string; extends?: string };
  /** With listFiles(true): the text (files up to the studio's listing budget). */
  text?: string;
}

/** The per-launch token (the batch worker is handed it: workers cannot read the page). */
export const token = document.querySelector<HTMLMetaElement>('meta[name="studio-token"]')?.content ?? '';
const headers = (json = false): Record<string, string> => ({ 'x-studio-token': token, ...(json ? { 'content-type': 'application/json' } : {}) });

export async function listFiles(texts = false): Promise<{ files: FileEntry[]; warnings: string[] }> {
  const r = await fetch(texts ? '/api/files?texts=1' : '/api/files', { headers: headers() });
  if (!r.ok) throw new Error(`cannot list files: ${await errorOf(r)}`);
  return (await r.json()) as { files: FileEntry[]; warnings: string[] };
}

/** Claims checked by the server with the reference tables (studio/evaluate.ts). */
export function evaluate(body: { buffers?: { path: string; text: string }[]; run?: string; jobs: Job[]; asOf?: string }, signal?: AbortSignal): Promise<CheckAnswer<{ reports: EvalReport[] }>> {
  return postJson('/api/evaluate', body, token, signal);
}

export function runTests(path: string, text: string): Promise<CheckAnswer<{ result: HarnessResult }>> {
  return postJson('/api/tests', { path, text }, token);
}

export function diffVersions(body: { path: string; text: string; against: string; againstPath?: string; claimsFiles?: string[] }): Promise<CheckAnswer<{ diff: RulesetDiff; otherIsOld: boolean; notes: string[] }>> {
  return postJson('/api/diff', body, token);
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

/** Save as a test case: the server de-identifies the claim and checks it (studio/cases.ts). */
export async function saveCase(body: { path: string; baseVersion: string | null; name: string; claim: unknown; buffers?: { path: string; text: string }[]; run?: string }): Promise<{ ok: true; version: string; changes: string[] } | { ok: false; error: string }> {
  const r = await fetch('/api/cases', { method: 'POST', headers: headers(true), body: JSON.stringify(body) });
  if (!r.ok) return { ok: false, error: await errorOf(r) };
  const b = (await r.json()) as { version: string; changes: string[] };
  return { ok: true, version: b.version, changes: b.changes };
}
