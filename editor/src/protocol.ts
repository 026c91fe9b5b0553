// Messages between the editor (main thread) and the analysis worker. Offsets are 0-based UTF-16
// offsets into the text the worker was given; the main thread converts them with the model.
import type { Diagnostic } from '../../dsl/diagnostics.ts';
import type { Report } from '../../engine/report.ts';
import type { KnownTable } from '../../dsl/check/index.ts';

export interface SymbolInfo {
  codeSets: { name: string; start: number; end: number; summary: string; file: string }[];
  rules: { id: string; start: number; end: number; citation?: string; file: string; title?: string }[];
  extendsBase?: { id: string; start: number; end: number; file?: string };
}

export interface AnalysisResult {
  path: string;
  version: number;
  diagnostics: Diagnostic[];
  symbols: SymbolInfo;
  compiled: boolean;
  ms: number;
}

export interface CompletionEntry {
  label: string;
  kind: 'keyword' | 'field' | 'codeSet' | 'modifier' | 'code' | 'rule';
  detail?: string;
  insertText?: string;
}

export interface HoverInfo {
  start: number;
  end: number;
  markdown: string;
}

export interface DefinitionInfo {
  file: string;
  start: number;
  end: number;
}

export interface HeaderInfo {
  path: string;
  id: string;
  version?: string;
  from?: string;
  through?: string;
  /** The ruleset it extends (from the listing; the worker's headers leave it out). */
  extends?: string;
}

/** What the claim form offers: payers and their versions, and the codes the open ruleset names. */
export interface FormInfo {
  payers: { id: string; versions: { version: string; from: string; through?: string; path: string }[] }[];
  codes: { code: string; sets: string[] }[];
  modifiers: { code: string; doc: string }[];
  /** The claim contract's choices (engine/claim-schema.ts): provider discipline, who rendered a line. */
  disciplines: readonly string[];
  renderers: readonly string[];
}

export type Request =
  /** The folder's files; `tables` (when given) replaces the known reference tables (null: none, names unchecked). */
  | { type: 'setFiles'; files: Record<string, string>; tables?: KnownTable[] | null }
  | { type: 'analyze'; path: string; text: string; version: number }
  | { type: 'complete'; path: string; text: string; offset: number; auto?: boolean }
  | { type: 'hover'; path: string; text: string; offset: number }
  | { type: 'definition'; path: string; text: string; offset: number }
  | { type: 'format'; path: string; text: string }
  | { type: 'headers' }
  | { type: 'formInfo'; path: string; text: string };

export type Response =
  | AnalysisResult
  | CompletionEntry[]
  | HoverInfo
  | DefinitionInfo
  | { text: string; diagnostics: Diagnostic[] }
  | null;
