// `eval --format html`: one self-contained page a biller can open offline, mail or print — the
// summary as inline SVG bar charts, the money at risk, and a claims table that sorts by any column
// (a few lines of inline script; without script it is still a complete, readable table). No
// external assets of any kind. Every text from a claim file or a ruleset is escaped.
import { notFullyChecked, statusRows, usd, type ClaimFacts, type SummaryData } from './summary.ts';
import { errorText } from './paths.ts';

/** The claims table holds at most this many rows; the page says so, and `--format csv` has them all. */
export const HTML_MAX_ROWS = 10_000;

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STATUS_COLOR: Record<string, string> = { clean: '#2e7d32', unchecked: '#546e7a', warnings: '#b26a00', errors: '#c62828', invalid: '#6a1b9a' };

function barChart(title: string, rows: { label: string; value: number; color?: string }[], id: string): string {
  if (rows.length === 0) return `<figure class="chart" id="${id}"><figcaption>${esc(title)}</figcaption><p class="muted">none</p></figure>`;
  const max = Math.max(...rows.map((r) => r.value), 1);
  const rowH = 22;
  const labelW = 190;
  const barW = 300;
  const h = rows.length * rowH + 4;
  const bars = rows
    .map((r, i) => {
      const w = Math.max(1, Math.round((r.value / max) * barW));
      const y = i * rowH + 2;
      return `<g><title>${esc(r.label)}: ${r.value}</title><text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${esc(r.label.length > 28 ? r.label.slice(0, 27) + '…' : r.label)}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 6}" fill="${r.color ?? '#1565c0'}"/><text x="${labelW + w + 6}" y="${y + 15}">${r.value}</text></g>`;
    })
    .join('');
  return `<figure class="chart" id="${id}"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" width="${labelW + barW + 70}" height="${h}" viewBox="0 0 ${labelW + barW + 70} ${h}">${bars}</svg></figure>`;
}

function claimRow(f: ClaimFacts): string {
  const errors = f.findings.filter((x) => x.severity === 'error').length + f.errors.length;
  const warnings = f.findings.filter((x) => x.severity === 'warning').length;
  const issues = [
    ...f.errors.map((e) => `<li class="error">${esc(errorText(e.path, e.message))}</li>`),
    ...f.findings.map((x) => `<li class="${esc(x.severity)}">${x.line !== undefined ? `line ${x.line} ` : ''}${esc(x.message)} <span class="muted">[${esc(x.rule)}, ${esc(x.kind)}]</span>${x.fix ? `<br><span class="fix">fix: ${esc(x.fix)}</span>` : ''}</li>`),
    ...(f.notChecked ? [`<li class="info">${f.notChecked} check${f.notChecked === 1 ? '' : 's'} could not run</li>`] : []),
    ...(f.notEncoded ? [`<li class="info">${f.notEncoded} part${f.notEncoded === 1 ? '' : 's'} of the payer's policy not in the ruleset</li>`] : []),
    ...f.input.map((n) => `<li class="${esc(n.severity)}">${esc(n.message)} <span class="muted">[${esc(n.code)}] at ${esc(n.where)}</span></li>`),
  ];
  const first = f.errors[0]?.message ?? f.findings[0]?.message ?? '';
  const status = notFullyChecked(f) ? 'unchecked' : f.status;
  const label = f.fileLevel ? 'error in the file' : status === 'unchecked' ? 'no findings, not fully checked' : f.status;
  return `<tr class="s-${esc(status)}"><td>${esc(f.claimId ?? (f.fileLevel ? '(the file, not a claim)' : '(no id)'))}</td><td><span class="badge" style="background:${STATUS_COLOR[status]}">${esc(label)}</span></td><td>${esc(f.dateOfService ?? '')}</td><td>${esc(f.ruleset ?? '')}</td><td class="num" data-v="${errors}">${errors}</td><td class="num" data-v="${warnings}">${warnings}</td><td class="num" data-v="${f.chargeCents}">${usd(f.chargeCents)}</td><td class="num" data-v="${f.chargeAtRiskCents}">${usd(f.chargeAtRiskCents)}</td><td>${issues.length ? `<details><summary>${esc(first.length > 70 ? first.slice(0, 69) + '…' : first || `${issues.length} note${issues.length === 1 ? '' : 's'}`)}</summary><ul>${issues.join('')}</ul></details>` : '<span class="muted">nothing to fix</span>'}</td></tr>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c1c1c;margin:24px;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.muted{color:#666}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:20px}.charts{display:flex;flex-wrap:wrap;gap:24px}.chart{margin:0}.chart figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:12px;fill:#333}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e3e3e3;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5;position:sticky;top:0;cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.num{text-align:right;font-variant-numeric:tabular-nums}.badge{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}
li.error{color:#b71c1c}li.warning{color:#8a5300}li.info{color:#444}.fix{color:#1b5e20}details summary{cursor:pointer}
@media print{body{margin:0;max-width:none}th{position:static}tr{break-inside:avoid}.noprint{display:none}}
`;

// Sorting: click a header; numbers sort by data-v, text by its content. Stable, no libraries.
const SCRIPT = `
document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){
var t=th.closest('table'),b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),asc=th.getAttribute('aria-sort')!=='ascending';
t.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort')});th.setAttribute('aria-sort',asc?'ascending':'descending');
var key=function(r){var c=r.cells[i];return c.hasAttribute('data-v')?Number(c.getAttribute('data-v')):c.textContent.trim().toLowerCase()};
rows.map(function(r,k){return[key(r),k,r]}).sort(function(x,y){return(x[0]<y[0]?-1:x[0]>y[0]?1:x[1]-y[1])*(asc?1:-1)}).forEach(function(x){b.appendChild(x[2])});});});
// Printing opens every claim's details, so the paper copy holds what to fix.
window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})});
`;

export interface HtmlMeta {
  title?: string;
  /** Shown under the title: what was checked against what (file names, ruleset folder). */
  subtitle?: string;
  generatedOn?: string;
}

/** The whole report page. `facts` beyond HTML_MAX_ROWS are counted in the summary, not listed. */
export function renderHtml(s: SummaryData, facts: readonly ClaimFacts[], meta: HtmlMeta = {}): string {
  const m = s.money;
  const byStatus = statusRows(s).map((r) => ({ label: r.label, value: r.value, color: STATUS_COLOR[r.status]! }));
  const ruleRows = s.findingsByRule.slice(0, 15).map((r) => ({ label: r.rule, value: r.count, color: r.severity === 'error' ? '#c62828' : r.severity === 'warning' ? '#b26a00' : '#607d8b' }));
  const kindRows = s.findingsByKind.slice(0, 15).map((k) => ({ label: k.kind, value: k.count }));
  const shown = facts.slice(0, HTML_MAX_ROWS);
  const title = meta.title ?? 'Claim check report';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${CSS}</style></head><body>
<h1>${esc(title)}</h1>
<p class="muted">${esc(meta.subtitle ?? '')}${meta.generatedOn ? ` · generated ${esc(meta.generatedOn)}` : ''} · payer-rules</p>
<div class="cards">
<div class="card">claims<b>${s.claims}</b>${s.fileErrors ? `<span class="muted">and ${s.fileErrors} error${s.fileErrors === 1 ? '' : 's'} in the file itself</span>` : ''}</div>
<div class="card">need work<b>${s.byStatus.errors + s.byStatus.invalid}</b><span class="muted">errors or invalid</span></div>
<div class="card">charges billed<b>${usd(m.charge)}</b></div>
<div class="card">charges at risk<b>${usd(m.chargeAtRisk)}</b></div>
<div class="card">allowed at risk<b>${m.linesWithAllowed ? usd(m.allowedAtRisk) : '—'}</b><span class="muted">${m.linesWithAllowed ? `of ${usd(m.allowed)} expected` : 'no allowed amounts given'}</span></div>
</div>
<p class="muted">At risk: every line of an invalid claim or of a claim with a claim-level error; otherwise the lines with an error finding.${s.notChecked ? ` ${s.notChecked} check${s.notChecked === 1 ? '' : 's'} could not run (listed per claim).` : ''}</p>
<h2>Summary</h2>
<div class="charts">${barChart('Claims by status', byStatus, 'chart-status')}${barChart('Findings by rule', ruleRows, 'chart-rules')}${barChart('Findings by kind', kindRows, 'chart-kinds')}</div>
<h2>Claims</h2>
${facts.length > shown.length ? `<p><b>The table lists the first ${shown.length.toLocaleString('en-US')} of ${facts.length.toLocaleString('en-US')} claims</b>; the summary above counts them all, and <code>--format csv</code> lists every finding.</p>` : ''}
<p class="muted noprint">Click a column heading to sort.</p>
<table class="sortable" id="claims"><thead><tr><th>claim</th><th>status</th><th>date of service</th><th>ruleset</th><th>errors</th><th>warnings</th><th>charge</th><th>at risk</th><th>what to fix</th></tr></thead>
<tbody>${shown.map(claimRow).join('\n')}</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`;
}
