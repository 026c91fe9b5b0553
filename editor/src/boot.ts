// The first load, in the order a person sees it: this module is the first thing the page runs,
// so the three requests it needs go out at once and in parallel — the editor chunk (Monaco, the
// largest part), the folder listing (the file tree, and which file to open when the URL names
// none), and the named file's text (shown as plain text until Monaco takes over). The analysis
// worker and every other file wait until the editor is on screen (App.tsx).
import { listFiles, readFile, type FileEntry } from './api.ts';

/** A request's outcome, never a rejected promise (nothing may go unhandled before the app looks). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };
const settle = <T,>(p: Promise<T>): Promise<Outcome<T>> => p.then((value) => ({ ok: true as const, value }), (e: unknown) => ({ ok: false as const, error: String((e as Error)?.message ?? e) }));

/** The file the URL names (reloads and links return to it). */
export const wanted = new URLSearchParams(location.search).get('file');

export const editorCore = import('./editor-core.ts');
export type EditorCore = Awaited<typeof editorCore>;

export const listing: Promise<Outcome<{ files: FileEntry[]; warnings: string[] }>> = settle(listFiles());

const first = wanted ? { path: wanted, text: settle(readFile(wanted)) } : undefined;

/** The named file's text, fetched at start; handed out once (later opens read the file again). */
export function takeFirstText(path: string): Promise<Outcome<{ text: string; version: string }>> | undefined {
  if (!first || first.path !== path) return undefined;
  const p = first.text;
  first.path = '';
  return p;
}
