// Segments of an 837P (005010X222A1) → claims in the contract's JSON form (dollars, ISO dates), one
// per 2300 CLM, each with the diagnostics of its own segments. Loop-aware: the payer comes only from
// 2010BB, the rendering provider only from 2310B/2420A, prior authorization only from 2300/2400; the
// other-payer loops 2320/2330 never leak into the claim. Envelope errors (bad ISA, wrong version, a
// GS/GE or ISA/IEA trailer that disagrees) are one record each; an SE trailer that disagrees makes
// each claim of its transaction invalid with the reason; the rest of the file is still read. The mapping,
// field by field, is docs/837p-mapping.md. No Node built-ins.
import { isCode } from '../engine/codes.ts';
import { diag, type ReaderDiagnostic, type ReaderPosition, type ReaderCode } from './diagnostics.ts';
import { MODIFIER_DISCIPLINE, disciplineOf, dollars, icd10, whoFromTaxonomy, x12Date, type Who } from './normalize.ts';
import { scan, type Delimiters, type Segment } from './x12-tokenize.ts';
import type { PayerMap, ReaderRecord } from './types.ts';

export interface X12Options {
  payers?: PayerMap;
  /** Claim ids seen so far in this input (duplicates are errors); shared across files. */
  seenIds?: Set<string>;
}

const SUPPORTED = '005010X222A1';
/** Characters senders use as component separators, to name the one a composite really uses. */
const OTHER_SEPARATORS = ['>', ':', '^', '|', '\\', '!'];
const ERRATA = '005010X222A2';
/** ICD-10-CM replaced ICD-9-CM for dates of service from 2015-10-01. */
const ICD10_FROM = '2015-10-01';

interface Line {
  n: number;
  lxSeg: number;
  code?: string;
  modifiers: string[];
  units?: number;
  minutes?: number;
  pointers: number[];
  charge?: number;
  dos?: string;
  pos?: string;
  auth?: string;
  taxonomy?: string;
  hasNte: boolean;
}

interface ClaimState {
  id: string;
  clmSeg: number;
  total?: number;
  pos?: string;
  frequency?: string;
  mrn?: string;
  auth?: string;
  replaces: boolean;
  referringNpi?: string;
  renderingSeen: boolean;
  renderingNpi?: string;
  renderingTaxonomy?: string;
  diagnoses: string[];
  icd9: boolean;
  lines: Line[];
  diagnostics: ReaderDiagnostic[];
}

interface Context {
  billingNpi?: string;
  billingTaxonomy?: string;
  memberId?: string;
  subscriberBirth?: string;
  payerId?: string;
  payerName?: string;
  filingIndicator?: string;
  dependent: boolean;
  patientBirth?: string;
  createdOn?: string;
}

/** Reads an 837P text: one record per claim, plus one per envelope problem, in file order. */
export function* read837p(text: string, opts: X12Options = {}): Generator<ReaderRecord> {
  const seen = opts.seenIds ?? new Set<string>();
  let delims: Delimiters | undefined;
  let version = '';
  let groupOk = true;
  // Only the transaction being read is held: memory stays flat however large the file.
  let tx: Segment[] | undefined;
  // The open interchange (ISA … IEA) and functional group (GS … GE), to check their trailers: a
  // payer's front end rejects a whole group whose GE disagrees (999) and a whole interchange whose
  // IEA does (TA1). Their claims were read as they came (nothing is held back), so the trailer error
  // is one record saying which claims it takes with it.
  let isa: { control: string; groups: number } | undefined;
  let gs: { control: string; transactions: number; seg: Segment } | undefined;
  const trailer = (code: ReaderCode, message: string, s: Segment, element?: string): ReaderRecord => ({
    claim: null,
    diagnostics: [diag(code, message, `segment ${s.n} (${s.el[0]})${element ? ` ${element}` : ''}`, { segment: s.n, tag: s.el[0], ...(element ? { element } : {}) })],
  });
  const unclosedGroup = (why: string): ReaderRecord =>
    trailer('X12-ENVELOPE', `functional group ${gs!.control} has no GE trailer ${why}; a payer's front end rejects the group and the claims read from it`, gs!.seg);
  for (const ev of scan(text)) {
    if (ev.kind === 'diagnostic') {
      yield { claim: null, diagnostics: [ev.diagnostic] };
      continue;
    }
    if (ev.kind === 'isa') {
      if (tx && delims && groupOk) yield* readTransaction(tx, delims, version, false, opts, seen);
      tx = undefined;
      if (gs) yield unclosedGroup('before the next ISA');
      gs = undefined;
      if (isa) yield trailer('X12-ENVELOPE', `interchange ${isa.control} has no IEA trailer before the next ISA; a payer's front end rejects the interchange and the claims read from it`, ev.segment);
      isa = { control: (ev.segment.el[13] ?? '').trim(), groups: 0 };
      delims = ev.delimiters;
      continue;
    }
    const s = ev.segment;
    const tag = s.el[0];
    if (tx) {
      if (tag === 'SE') {
        tx.push(s);
        if (groupOk && delims) yield* readTransaction(tx, delims, version, true, opts, seen);
        tx = undefined;
        continue;
      }
      if (tag !== 'ST' && tag !== 'GE' && tag !== 'IEA' && tag !== 'GS') {
        tx.push(s);
        continue;
      }
      // An envelope segment before SE: the transaction was cut short.
      if (groupOk && delims) yield* readTransaction(tx, delims, version, false, opts, seen);
      tx = undefined;
    }
    if (tag === 'GS') {
      if (gs) yield unclosedGroup('before the next GS');
      gs = { control: s.el[6] ?? '', transactions: 0, seg: s };
      if (isa) isa.groups++;
      version = s.el[8] ?? '';
      groupOk = s.el[1] === 'HC';
      if (!groupOk) yield { claim: null, diagnostics: [diag('X12-VERSION', `functional group ${s.el[6] ?? ''} is of type \`${s.el[1] ?? ''}\`, not HC (health care claims); it was not read`, `segment ${s.n} (GS)`, { segment: s.n, tag: 'GS', element: 'GS01' })] };
    } else if (tag === 'ST') {
      tx = [s];
      if (gs) gs.transactions++;
    } else if (tag === 'GE') {
      if (!gs) yield trailer('X12-ENVELOPE', 'GE trailer without a GS header before it', s);
      else {
        if (s.el[1] !== String(gs.transactions)) yield trailer('X12-ENVELOPE', `functional group ${gs.control}: GE01 says ${s.el[1] || '(nothing)'} transaction sets, the group has ${gs.transactions}; a payer's front end rejects the group and the claims read from it`, s, 'GE01');
        if (s.el[2] !== gs.control) yield trailer('X12-ENVELOPE', `GE02 \`${s.el[2] ?? ''}\` does not match GS06 \`${gs.control}\`; a payer's front end rejects the group and the claims read from it`, s, 'GE02');
      }
      gs = undefined;
    } else if (tag === 'IEA') {
      if (gs) yield unclosedGroup('before IEA');
      gs = undefined;
      if (!isa) yield trailer('X12-ENVELOPE', 'IEA trailer without an ISA header before it', s);
      else {
        if (s.el[1] !== String(isa.groups)) yield trailer('X12-ENVELOPE', `interchange ${isa.control}: IEA01 says ${s.el[1] || '(nothing)'} functional groups, the interchange has ${isa.groups}; a payer's front end rejects the interchange and the claims read from it`, s, 'IEA01');
        if ((s.el[2] ?? '').trim() !== isa.control) yield trailer('X12-ENVELOPE', `IEA02 \`${s.el[2] ?? ''}\` does not match ISA13 \`${isa.control}\`; a payer's front end rejects the interchange and the claims read from it`, s, 'IEA02');
      }
      isa = undefined;
    }
  }
  if (tx && delims && groupOk) yield* readTransaction(tx, delims, version, false, opts, seen);
  if (gs) yield unclosedGroup('at the end of the file');
  if (isa) yield { claim: null, diagnostics: [diag('X12-ENVELOPE', `interchange ${isa.control} has no IEA trailer at the end of the file (the file may be cut short); a payer's front end rejects the interchange and the claims read from it`, 'end of file', {})] };
}

function* readTransaction(tx: Segment[], delims: Delimiters, groupVersion: string, closed: boolean, opts: X12Options, seen: Set<string>): Generator<ReaderRecord> {
  const st = tx[0]!;
  const control = st.el[2] ?? '';
  const stWhere = `ST ${control}`;
  const envelope = (code: ReaderCode, message: string, s: Segment, element?: string): ReaderRecord => ({
    claim: null,
    diagnostics: [diag(code, message, `${stWhere} segment ${s.n - st.n + 1} (${s.el[0]})${element ? ` ${element}` : ''}`, { segment: s.n, inTransaction: s.n - st.n + 1, tag: s.el[0], transaction: control, ...(element ? { element } : {}) })],
  });
  const version = st.el[3] || groupVersion;
  if (st.el[1] !== '837') {
    yield envelope('X12-VERSION', `transaction set ${control} is a ${st.el[1] ?? '?'}, not an 837 claim; it was not read`, st, 'ST01');
    return;
  }
  if (version !== SUPPORTED && version !== ERRATA) {
    const why = version.startsWith('004010')
      ? `version ${version} (4010) is not supported: HIPAA has required 5010 (${SUPPORTED}) since 2012; export the file again as 5010`
      : version.startsWith('005010X223')
        ? `version ${version} is an 837I (institutional) claim; payer-rules reads professional claims (837P, ${SUPPORTED})`
        : `version \`${version}\` is not an 837P of version ${SUPPORTED}`;
    yield envelope('X12-VERSION', `transaction set ${control} was not read: ${why}`, st, st.el[3] ? 'ST03' : 'GS08');
    return;
  }
  if (!closed) {
    yield envelope('X12-ENVELOPE', `transaction set ${control} has no SE segment (the file is cut short or a segment is damaged); it was not read`, st);
    return;
  }
  const se = tx[tx.length - 1]!;
  if (version === ERRATA) yield envelope('X12-VERSION-ERRATA', `transaction set ${control} says ${ERRATA} (the errata version); it was read as ${SUPPORTED}`, st, 'ST03');
  // A payer's front end rejects a transaction whose trailer disagrees with it (999 IK5 R), and every
  // claim in it with it: each claim is reported invalid with the reason, so a summary counts those
  // claims and their charges as at risk. A transaction without claims is one record.
  const rejects: ReaderDiagnostic[] = [];
  const whole = 'a payer\'s front end rejects the whole transaction, every claim in it; export the file again';
  if (se.el[1] !== String(tx.length)) rejects.push(envelope('X12-SE-COUNT', `transaction set ${control}: SE01 says ${se.el[1] ?? '(nothing)'} segments, the transaction has ${tx.length}; ${whole}`, se, 'SE01').diagnostics[0]!);
  if (se.el[2] !== control) rejects.push(envelope('X12-ENVELOPE', `transaction set ${control}: SE02 \`${se.el[2] ?? ''}\` does not match ST02 \`${control}\`; ${whole}`, se, 'SE02').diagnostics[0]!);
  if (!rejects.length) {
    yield* mapClaims(tx, delims, control, opts, seen);
    return;
  }
  let claims = 0;
  for (const rec of mapClaims(tx, delims, control, opts, seen)) {
    if (rec.claim || rec.raw) {
      claims++;
      yield { ...rec, diagnostics: [...rec.diagnostics, ...rejects] };
    } else yield rec;
  }
  if (claims === 0) yield { claim: null, diagnostics: rejects };
}

function* mapClaims(tx: Segment[], delims: Delimiters, control: string, opts: X12Options, seen: Set<string>): Generator<ReaderRecord> {
  const ctx: Context = { dependent: false };
  const hl = new Map<string, string>();
  let loop = 'header';
  let claim: ClaimState | undefined;
  // Segments of a transaction are contiguous in the file: the position is a subtraction, not a search.
  const stN = tx[0]!.n;
  const pos = (s: Segment) => s.n - stN + 1;
  const at = (s: Segment, element?: string, line?: number): { where: string; at: ReaderPosition } => {
    const p = pos(s);
    return {
      where: `ST ${control} segment ${p} (${s.el[0]})${element ? ` ${element}` : ''}${line ? `, line ${line}` : ''}`,
      at: { segment: s.n, inTransaction: p, tag: s.el[0], transaction: control, ...(element ? { element } : {}), ...(line ? { line } : {}) },
    };
  };
  const report = (c: ClaimState, code: ReaderCode, message: string, s: Segment, element?: string, line?: number) => {
    const w = at(s, element, line);
    c.diagnostics.push(diag(code, message, w.where, w.at));
  };
  /** A composite's parts; a composite written with another separator is reported, not guessed. */
  const parts = (c: ClaimState, s: Segment, i: number, name: string, line?: number): string[] | undefined => {
    const v = s.el[i] ?? '';
    if (v.includes(delims.component)) return v.split(delims.component);
    const other = OTHER_SEPARATORS.find((x) => x !== delims.component && v.includes(x));
    if (other) {
      report(c, 'X12-SEPARATOR', `${name} uses \`${other}\` between its parts, but ISA16 declares \`${delims.component}\` as the component separator; the sender must correct ISA16 or the composite`, s, `${s.el[0]}${String(i).padStart(2, '0')}`, line);
      return undefined;
    }
    return [v];
  };
  const finish = (): ReaderRecord | undefined => {
    if (!claim) return undefined;
    const rec = buildClaim(claim, ctx, opts, tx, control);
    claim = undefined;
    return rec;
  };

  for (const s of tx) {
    const [tag, e1, e2, e3] = s.el;
    if (tag === 'BHT') ctx.createdOn = x12Date(s.el[4]);
    else if (tag === 'HL') {
      const r = finish();
      if (r) yield r;
      const level = e3 ?? '';
      const parentLevel = level === '22' ? '20' : level === '23' ? '22' : undefined;
      if (hl.has(e1 ?? '') || (parentLevel && hl.get(e2 ?? '') !== parentLevel)) {
        const w = at(s, hl.has(e1 ?? '') ? 'HL01' : 'HL02');
        yield { claim: null, diagnostics: [diag('X12-HL-PARENT', hl.has(e1 ?? '') ? `HL id ${e1} is used twice; the segments that follow belong to this one` : `HL ${e1} names parent ${e2 || '(none)'}, which is not an earlier level-${parentLevel} HL; it was attached to the most recent one`, w.where, w.at)] };
      }
      hl.set(e1 ?? '', level);
      loop = level === '20' ? '2000A' : level === '22' ? '2000B' : level === '23' ? '2000C' : 'hl';
      if (level === '20') {
        ctx.billingNpi = undefined;
        ctx.billingTaxonomy = undefined;
      }
      if (level === '22') Object.assign(ctx, { memberId: undefined, subscriberBirth: undefined, payerId: undefined, payerName: undefined, filingIndicator: undefined, dependent: false, patientBirth: undefined });
      if (level === '23') ctx.dependent = true;
    } else if (tag === 'CLM') {
      const r = finish();
      if (r) yield r;
      claim = { id: e1 ?? '', clmSeg: pos(s), replaces: false, renderingSeen: false, diagnoses: [], icd9: false, lines: [], diagnostics: [] };
      loop = '2300';
      const c = claim;
      if (!c.id) report(c, 'X12-NO-CLAIM-ID', 'CLM01 (the claim id) is empty', s, 'CLM01');
      if (e2) {
        c.total = dollars(e2);
        if (c.total === undefined) report(c, 'X12-CHARGE', `CLM02 \`${e2}\` is not a dollar amount`, s, 'CLM02');
      }
      const clm05 = s.el[5] ? parts(c, s, 5, 'CLM05 (place of service : B : frequency)') : [];
      if (clm05) {
        const p = clm05[0] ?? '';
        if (/^\d{2}$/.test(p)) c.pos = p;
        else report(c, 'X12-NO-POS', p ? `CLM05-1 \`${p}\` is not a 2-digit place of service` : 'CLM05-1 (place of service) is missing; every 837P claim needs one (the lines were still read)', s, 'CLM05-1');
        c.frequency = clm05[2];
      }
    } else if (!claim) {
      // 2000A/2000B/2000C context before the first claim of a subscriber.
      if (tag === 'PRV' && e1 === 'BI' && loop === '2000A') ctx.billingTaxonomy = e3;
      else if (tag === 'NM1' && e1 === '85') {
        loop = '2010AA';
        if (s.el[8] === 'XX') ctx.billingNpi = s.el[9];
      } else if (tag === 'NM1' && (e1 === '87' || e1 === 'PE')) loop = '2010AB';
      else if (tag === 'SBR' && loop.startsWith('2000B')) ctx.filingIndicator = s.el[9];
      else if (tag === 'NM1' && e1 === 'IL') {
        loop = '2010BA';
        ctx.memberId = s.el[9];
      } else if (tag === 'NM1' && e1 === 'PR' && (loop === '2010BA' || loop === '2000B' || loop === '2010BB')) {
        loop = '2010BB';
        ctx.payerId = s.el[9];
        ctx.payerName = s.el[3];
      } else if (tag === 'NM1' && e1 === 'QC') loop = '2010CA';
      else if (tag === 'DMG' && loop === '2010BA') ctx.subscriberBirth = x12Date(e2);
      else if (tag === 'DMG' && loop === '2010CA') ctx.patientBirth = x12Date(e2);
    } else {
      const c = claim;
      const line = c.lines[c.lines.length - 1];
      if (tag === 'LX') {
        c.lines.push({ n: c.lines.length + 1, lxSeg: pos(s), modifiers: [], pointers: [], hasNte: false });
        loop = '2400';
      } else if (tag === 'SBR') loop = '2320';
      else if (loop === '2320' || loop === '2330') {
        if (tag === 'NM1') loop = '2330';
      } else if (tag === 'NM1') {
        const inLine = line !== undefined;
        if (e1 === '82') {
          loop = inLine ? '2420A' : '2310B';
          if (!inLine) {
            c.renderingSeen = true;
            if (s.el[8] === 'XX' && /^\d{10}$/.test(s.el[9] ?? '')) c.renderingNpi = s.el[9];
            else report(c, 'X12-NPI', `the rendering provider (2310B) is identified by qualifier \`${s.el[8] ?? ''}\`, not an NPI (XX); the billing provider's NPI was used`, s, 'NM108');
          }
        } else if ((e1 === 'DN' || e1 === 'P3') && !inLine) {
          loop = '2310A';
          if (e1 === 'DN' && c.referringNpi === undefined && s.el[8] === 'XX' && /^\d{10}$/.test(s.el[9] ?? '')) c.referringNpi = s.el[9];
        } else loop = inLine ? '2420' : '2310';
      } else if (tag === 'PRV' && e1 === 'PE') {
        if (loop === '2310B') c.renderingTaxonomy = e3;
        else if (loop === '2420A' && line) line.taxonomy = e3;
      } else if (tag === 'REF' && loop === '2300') {
        if (e1 === 'G1') c.auth = e2;
        else if (e1 === 'EA') c.mrn = e2;
        else if (e1 === 'F8') c.replaces = true;
      } else if (tag === 'HI' && loop === '2300') readDiagnoses(c, s, parts, report);
      else if (line && loop === '2400') {
        if (tag === 'SV1') readService(c, line, s, parts, report);
        else if (tag === 'DTP' && e1 === '472') {
          const w = at(s, 'DTP03', line.n);
          if (e2 === 'RD8') {
            const [a, b] = (e3 ?? '').split('-');
            line.dos = x12Date(a);
            const to = x12Date(b);
            if (line.dos && to && to !== line.dos) c.diagnostics.push(diag('X12-DOS-RANGE', `line ${line.n}: the service date is a range ${line.dos}..${to}; the line was given its first date, so per-day checks see one day`, w.where, w.at));
            else if (!line.dos || !to) c.diagnostics.push(diag('X12-NO-DOS', `line ${line.n}: the service date range \`${e3 ?? ''}\` is not two real dates CCYYMMDD-CCYYMMDD`, w.where, w.at));
          } else {
            line.dos = x12Date(e3);
            if (!line.dos) c.diagnostics.push(diag('X12-NO-DOS', `line ${line.n}: the service date \`${e3 ?? ''}\` is not a real date CCYYMMDD`, w.where, w.at));
          }
        } else if (tag === 'REF' && e1 === 'G1') line.auth ??= e2;
        else if (tag === 'NTE') line.hasNte = true;
        else if (tag === 'SVD') loop = '2430';
        else if (tag === 'LIN') loop = '2410';
        else if (tag === 'LQ') loop = '2440';
      }
    }
    if (tag === 'SE') {
      const r = finish();
      if (r) yield r;
    }
  }
  const r = finish();
  if (r) yield r;

  function buildClaim(c: ClaimState, cx: Context, o: X12Options, t: Segment[], ctl: string): ReaderRecord {
    const clm = t[c.clmSeg - 1]!;
    const ds = c.diagnostics;
    const claimAt = (element: string) => at(clm, element);
    if (c.id && seen.has(c.id)) {
      const w = claimAt('CLM01');
      ds.push(diag('X12-DUP-CLAIM-ID', `claim id \`${c.id}\` appears earlier in this input; claim ids must be unique`, w.where, w.at));
    } else if (c.id) seen.add(c.id);
    // Lines: what the SV1/DTP/REF segments said, in LX order.
    for (const l of c.lines) if (!l.dos && !ds.some((d) => d.code === 'X12-NO-DOS' && d.at.line === l.n)) ds.push(diag('X12-NO-DOS', `line ${l.n} has no DTP*472 service date`, `ST ${ctl} segment ${l.lxSeg} (LX), line ${l.n}`, { inTransaction: l.lxSeg, tag: 'LX', transaction: ctl, line: l.n }));
    const dates = [...new Set(c.lines.flatMap((l) => (l.dos ? [l.dos] : [])))].sort();
    if (c.lines.length === 0) {
      const w = claimAt('CLM01');
      ds.push(diag('X12-ENVELOPE', 'the claim has no service lines (2400 LX/SV1)', w.where, w.at));
    }
    if (dates.length > 1) {
      const w = claimAt('CLM01');
      ds.push(diag('X12-MULTI-DOS', `the claim spans ${dates.length} dates of service (${dates.join(', ')}); per-day checks group its lines by date`, w.where, w.at));
    }
    if (c.total !== undefined && c.lines.every((l) => l.charge !== undefined)) {
      const sum = c.lines.reduce((s, l) => s + Math.round(l.charge! * 100), 0);
      if (sum !== Math.round(c.total * 100)) {
        const w = claimAt('CLM02');
        ds.push(diag('X12-TOTAL-MISMATCH', `CLM02 says $${c.total.toFixed(2)}, the lines' charges add up to $${(sum / 100).toFixed(2)}`, w.where, w.at));
      }
    }
    if (c.icd9) {
      const w = claimAt('CLM01');
      const late = (dates[0] ?? '9999') >= ICD10_FROM;
      ds.push(diag('X12-ICD9', late ? `the diagnoses are ICD-9 (BK/BF); dates of service from ${ICD10_FROM} must use ICD-10-CM (ABK/ABF)` : `the diagnoses are ICD-9 (BK/BF, dates of service before ${ICD10_FROM}); the rules check ICD-10-CM only`, w.where, { ...w.at, tag: 'HI' }));
    }
    if (c.frequency === '7') {
      const w = claimAt('CLM05-3');
      ds.push(diag('X12-REPLACEMENT', `the claim replaces an earlier claim (frequency 7${c.replaces ? ', with the payer claim number in REF*F8' : ', but REF*F8 with the payer claim number is missing'})`, w.where, w.at, c.replaces ? 'info' : 'warning'));
    } else if (c.frequency === '8') {
      const w = claimAt('CLM05-3');
      ds.push(diag('X12-VOID', 'the claim voids an earlier claim (frequency 8); it was checked as written, and its findings do not apply to a void', w.where, w.at));
    }
    // Who rendered: 2310B (or, without it, the billing provider), then each line's 2420A.
    let renderer: Who | undefined = whoFromTaxonomy(c.renderingSeen ? (c.renderingTaxonomy ?? cx.billingTaxonomy) : cx.billingTaxonomy);
    let discipline = renderer ? disciplineOf(renderer) : undefined;
    if (!discipline) {
      const byMod = new Set(c.lines.flatMap((l) => l.modifiers.flatMap((m) => (MODIFIER_DISCIPLINE[m] ? [MODIFIER_DISCIPLINE[m]!] : []))));
      if (byMod.size === 1) discipline = renderer = [...byMod][0]!;
      else {
        const w = claimAt('CLM01');
        ds.push(diag('X12-DISCIPLINE', byMod.size === 0 ? 'no therapy taxonomy (PRV) and no GO/GP/GN modifier tell the discipline; provider.discipline is empty' : `the lines' GO/GP/GN modifiers name ${byMod.size} disciplines and no therapy taxonomy (PRV) decides; provider.discipline is empty`, w.where, w.at));
      }
    }
    const lines = c.lines.map((l) => {
      const out: Record<string, unknown> = { code: l.code ?? '', modifiers: l.modifiers };
      if (l.units !== undefined) out['units'] = l.units;
      if (l.minutes !== undefined) out['minutes'] = l.minutes;
      let who = renderer;
      if (l.taxonomy !== undefined) {
        who = whoFromTaxonomy(l.taxonomy);
        if (!who) ds.push(diag('X12-DISCIPLINE', `line ${l.n}: the line's rendering provider (2420A) has taxonomy \`${l.taxonomy}\`, which is not an OT, PT or SLP taxonomy; renderedBy is empty`, `ST ${ctl} segment ${l.lxSeg} (LX), line ${l.n}`, { inTransaction: l.lxSeg, tag: 'PRV', transaction: ctl, line: l.n, element: 'PRV03' }));
      }
      if (who) out['renderedBy'] = who;
      out['diagnosisPointers'] = l.pointers;
      if (l.charge !== undefined) out['charge'] = l.charge;
      if (l.dos) out['dateOfService'] = l.dos;
      if (l.pos && l.pos !== c.pos) out['placeOfService'] = l.pos;
      return out;
    });
    const notes = c.lines.filter((l) => l.hasNte);
    if (notes.length) ds.push(diag('X12-NTE-IGNORED', `line note${notes.length === 1 ? '' : 's'} (NTE) on line${notes.length === 1 ? '' : 's'} ${notes.map((l) => l.n).join(', ')} not read; minutes come only from the minutes file`, `ST ${ctl} 2400 NTE`, { tag: 'NTE', transaction: ctl }));
    // Prior authorization: 2300 REF*G1, else the lines' 2400 REF*G1 (never 2330B's).
    let auth = c.auth;
    if (!auth) {
      const byLine = c.lines.filter((l) => l.auth);
      const distinct = new Set(byLine.map((l) => l.auth));
      if (byLine.length) auth = byLine[0]!.auth;
      if (distinct.size > 1) ds.push(diag('X12-LINE-AUTH', `lines ${byLine.map((l) => l.n).join(', ')} carry ${distinct.size} different prior authorization numbers and the claim has none; the claim holds one, so line ${byLine[0]!.n}'s was used`, `ST ${ctl} 2400 REF*G1`, { tag: 'REF', transaction: ctl, element: 'REF02' }));
    }
    // Payer: the payer map by 2010BB id, then by SBR09; without a map, the id itself.
    let payer: string | undefined;
    const payers = o.payers;
    if (payers) {
      payer = (cx.payerId && payers.byPayerId[cx.payerId]) || (cx.filingIndicator && payers.byClaimFilingIndicator[cx.filingIndicator]) || undefined;
      if (!payer) {
        const w = claimAt('CLM01');
        ds.push(diag('X12-PAYER-UNMAPPED', `the payer map has no ruleset for payer id \`${cx.payerId ?? ''}\`${cx.payerName ? ` (${cx.payerName})` : ''} or claim filing indicator \`${cx.filingIndicator ?? ''}\`; add it to the payer map`, w.where, w.at));
      }
    } else if (cx.payerId) {
      payer = cx.payerId;
      const w = claimAt('CLM01');
      ds.push(diag('X12-PAYER-ID', `no payer map given: the payer id \`${cx.payerId}\` (2010BB NM109) is used as the ruleset id; map it with --payers FILE.json`, w.where, w.at));
    }
    const patient: Record<string, string> = {};
    const pid = c.mrn ?? (cx.dependent ? undefined : cx.memberId);
    if (pid) patient['id'] = pid;
    else if (cx.dependent) {
      const w = claimAt('CLM01');
      ds.push(diag('X12-NO-PATIENT-ID', 'the patient is a dependent (2000C) and the claim has no medical record number (REF*EA); patient.id is empty', w.where, w.at));
    }
    const birth = cx.dependent ? cx.patientBirth : cx.subscriberBirth;
    if (birth) patient['birthDate'] = birth;
    const provider: Record<string, string> = {};
    const npi = c.renderingNpi ?? cx.billingNpi;
    if (npi) provider['npi'] = npi;
    if (discipline) provider['discipline'] = discipline;
    const claim: Record<string, unknown> = { id: c.id };
    if (payer) claim['payer'] = payer;
    if (Object.keys(patient).length) claim['patient'] = patient;
    if (Object.keys(provider).length) claim['provider'] = provider;
    if (c.referringNpi) claim['referringProvider'] = { npi: c.referringNpi };
    if (dates[0]) claim['dateOfService'] = dates[0];
    if (c.pos) claim['placeOfService'] = c.pos;
    if (cx.createdOn) claim['submittedOn'] = cx.createdOn;
    claim['diagnoses'] = c.diagnoses;
    if (auth) claim['priorAuthorization'] = { number: auth };
    claim['lines'] = lines;
    return { claim, diagnostics: ds };
  }
}

type Parts = (c: ClaimState, s: Segment, i: number, name: string, line?: number) => string[] | undefined;
type Report = (c: ClaimState, code: ReaderCode, message: string, s: Segment, element?: string, line?: number) => void;

function readDiagnoses(c: ClaimState, s: Segment, parts: Parts, report: Report): void {
  const first = (s.el[1] ?? '').replace(/[^A-Z].*$/, '');
  // Only the diagnosis HI (ABK/BK first); anesthesia, condition and other HI segments are other lists.
  if (first !== 'ABK' && first !== 'BK') return;
  for (let i = 1; i < s.el.length; i++) {
    const raw = s.el[i] ?? '';
    if (!raw) continue;
    const p = parts(c, s, i, `HI${String(i).padStart(2, '0')}`);
    if (!p) return;
    const [qual, code] = p;
    if (p.length < 2 || !code) {
      report(c, 'X12-DIAGNOSIS', `HI${String(i).padStart(2, '0')} holds \`${qual}\` without a code: the qualifier and the code must be one composite (\`${qual}:code\`), not separate elements`, s, `HI${String(i).padStart(2, '0')}`);
      return;
    }
    if (qual === 'BK' || qual === 'BF') c.icd9 = true;
    else if (qual === 'ABK' || qual === 'ABF') c.diagnoses.push(icd10(code));
    else report(c, 'X12-DIAGNOSIS', `HI${String(i).padStart(2, '0')} has qualifier \`${qual}\`; a diagnosis is ABK (principal) or ABF (other)`, s, `HI${String(i).padStart(2, '0')}-1`);
  }
}

function readService(c: ClaimState, line: Line, s: Segment, parts: Parts, report: Report): void {
  const sv101 = parts(c, s, 1, 'SV101 (HC : procedure code : modifiers)', line.n);
  if (sv101) {
    const [qual, code, ...mods] = sv101;
    if (qual !== 'HC') report(c, 'X12-PROCEDURE', `line ${line.n}: SV101-1 is \`${qual ?? ''}\`; payer-rules reads HC (CPT/HCPCS) procedure codes`, s, 'SV101-1', line.n);
    else if (!code) report(c, 'X12-PROCEDURE', `line ${line.n}: SV101-2 (the procedure code) is empty`, s, 'SV101-2', line.n);
    line.code = code ?? '';
    line.modifiers = mods.slice(0, 4).filter((m) => m !== '');
  }
  const charge = s.el[2];
  if (charge) {
    line.charge = dollars(charge);
    if (line.charge === undefined) report(c, 'X12-CHARGE', `line ${line.n}: SV102 \`${charge}\` is not a dollar amount`, s, 'SV102', line.n);
  }
  const basis = s.el[3] ?? '';
  const qty = s.el[4] ?? '';
  if (!/^\d+(\.\d+)?$/.test(qty)) report(c, 'X12-UNITS', `line ${line.n}: SV104 \`${qty}\` is not a number of units`, s, 'SV104', line.n);
  else if (basis === 'MJ') {
    line.minutes = Number(qty);
    report(c, 'X12-UNITS-MJ', `line ${line.n}: SV103 is MJ (minutes, for anesthesia only): the line has ${qty} minutes and no units; therapy is billed in units (UN)`, s, 'SV103', line.n);
  } else if (!Number.isInteger(Number(qty))) report(c, 'X12-UNITS', `line ${line.n}: SV104 \`${qty}\` is not a whole number of units`, s, 'SV104', line.n);
  else line.units = Number(qty);
  if (s.el[5]) {
    if (/^\d{2}$/.test(s.el[5])) line.pos = s.el[5];
    else report(c, 'X12-NO-POS', `line ${line.n}: SV105 \`${s.el[5]}\` is not a 2-digit place of service`, s, 'SV105', line.n);
  }
  if (s.el[7]) {
    const ptrs = parts(c, s, 7, 'SV107 (diagnosis pointers)', line.n);
    for (const p of ptrs ?? []) {
      if (/^\d{1,2}$/.test(p) && Number(p) >= 1 && Number(p) <= 12) line.pointers.push(Number(p));
      else report(c, 'X12-POINTER', `line ${line.n}: SV107 pointer \`${p}\` is not a whole number from 1 to 12`, s, 'SV107', line.n);
    }
  }
  if (line.code && !isCode('procedure', line.code)) report(c, 'X12-PROCEDURE', `line ${line.n}: SV101-2 \`${line.code}\` is not a CPT or HCPCS code`, s, 'SV101-2', line.n);
}
