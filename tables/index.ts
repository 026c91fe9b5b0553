// Reference tables, browser-safe core: normalized formats (kinds.ts), rows (rows.ts) and their
// order (order.ts), the engine's lookups (lookups.ts), release choice by date (provider.ts),
// release diff (diff.ts), the claims a release changes (impact.ts) and code search (search.ts).
// File access, the official-format importers and the store are Node-side: tables/import/ and
// tables/store.ts.
export { KIND_FORMATS, KINDS, headerOf, isKind, type Column, type KindFormat } from './kinds.ts';
export { Rows, RowsBuilder } from './rows.ts';
export { readNormalized, writeNormalized, encodeNormalized, NormalizedEncoder, renderProblem, type Problem } from './normalized.ts';
export { buildLookup, CodeColumn, ScopeMatcher, type Scope, type NcciEditRow } from './lookups.ts';
export { TableSet, PinnedTable, MANIFEST_FORMAT, infoOf, releaseOf, type Manifest, type ReleaseEntry, type ReleaseInfo } from './provider.ts';
export { claimsImpact, renderClaimsImpact, rulesetsUsing, type TableClaimsImpact } from './impact.ts';
export { diffReleases, renderTableDiff, type TableDiff, type RowChange } from './diff.ts';
export { searchCode, type SearchHit, type SearchResult } from './search.ts';
export { encodeRows, decodeRows } from './cache.ts';
export { packCode, unpackCode, codeHi, codeLo, parseDay, formatDay } from './codes.ts';
