// Report writers for billers: text (the terminal view), CSV (a worklist, one row per finding), the
// summary (claims by status, findings by rule and kind, money at risk) and a self-contained HTML
// report. Browser-safe: strings in, strings out, no Node built-ins.
export { renderText } from './text.ts';
export { CSV_BOM, CSV_HEADER, csvRows, csvStart, safeCell } from './csv.ts';
export { Summary, factsOf, notFullyChecked, reportNotFullyChecked, renderSummaryText, usd, type ClaimFacts, type SummaryData } from './summary.ts';
export { HTML_MAX_ROWS, renderHtml, type HtmlMeta } from './html.ts';
export { humanPath, plural } from './paths.ts';
export type { EvalReport, InputNote } from './types.ts';
