// The zod schemas of what the service sends back: reports (the DESIGN.md contract, mirrored from
// engine/report.ts and held to it by the type checks at the end), ruleset listings, health and
// errors. The claim's schema is engine/claim-schema.ts itself. Every schema with an `id` below
// becomes a named component of the OpenAPI document.
import { z } from 'zod';
import { ClaimSchema } from '../engine/claim-schema.ts';
import type { ClaimReport, ConditionTrace, Finding, InvalidReport, LineReport, NotChecked, RuleTrace, RulesetRef, TableUse } from '../engine/report.ts';
import { SEVERITIES } from '../engine/severity.ts';

/**
 * Schemas named in the OpenAPI document's components, by id. zod's global registry, because it
 * also holds every `.describe()` text the document shows.
 */
export const components = z.globalRegistry;

const position = z.object({ file: z.string(), line: z.number().int(), column: z.number().int() });

export const FindingSchema = z.object({
  rule: z.string().describe('the stable id of the rule or statement that found it'),
  kind: z.string().describe('the finding kind, e.g. `missing-modifier`'),
  severity: z.enum(SEVERITIES as unknown as ['error', 'warning', 'info']),
  message: z.string(),
  line: z.number().int().optional().describe('1-based service line, for line findings'),
  code: z.string().optional(),
  modifier: z.string().optional(),
  fix: z.string().optional(),
  citation: z.string().optional(),
  source: position.optional().describe('where the rule is written'),
});

export const LineReportSchema = z.object({
  line: z.number().int(),
  code: z.string(),
  dateOfService: z.string().optional(),
  billedUnits: z.number().nullable(),
  expectedUnits: z.number().nullable().describe("what the payer's unit policy gives the line; null when its units could not be checked (no minutes, a code the policy does not name, no ruleset)"),
  explanation: z.string(),
  version: z.string().optional(),
});

export const RulesetRefSchema = z.object({
  id: z.string(),
  version: z.string(),
  hash: z.string().optional().describe('content hash of the ruleset (its `extends` chain included)'),
});

const NotCheckedSchema = z.object({
  line: z.number().int().optional(),
  lines: z.array(z.number().int()).optional().describe('the 1-based lines, when several lines share the entry'),
  rule: z.string(),
  reason: z.string(),
  notEncoded: z.literal(true).optional().describe('the ruleset says it does not check this (`not checked`); no claim fact would make it checkable'),
  citation: z.string().optional(),
  source: z.object({ file: z.string(), line: z.number().int(), column: z.number().int() }).optional().describe('where the `not checked` line is written'),
});
const TableUseSchema = z.object({ table: z.string(), release: z.string(), note: z.string().optional() });

const ConditionTraceSchema = z.object({
  name: z.string(),
  fact: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
  operator: z.string(),
  // Absent in JSON when the value was undefined (a fact the claim does not have).
  expected: z.unknown().optional(),
  actual: z.unknown().optional(),
  result: z.boolean(),
  source: position.optional(),
});

const RuleTraceSchema = z.object({ rule: z.string(), line: z.number().int().optional(), fired: z.boolean(), conditions: z.array(ConditionTraceSchema) });

export const InputNoteSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string().describe('a reader diagnostic code, e.g. X12-PAYER-UNMAPPED, X12-NO-MINUTES'),
  message: z.string(),
  where: z.string().describe('the position in the input: an X12 segment and element, or a CSV row and column'),
});

export const ClaimReportSchema = z.object({
  claimId: z.string(),
  ruleset: RulesetRefSchema.nullable().describe('the version in force on the date of service (null when none applies)'),
  versions: z.array(RulesetRefSchema).optional(),
  status: z.enum(['clean', 'warnings', 'errors']),
  findings: z.array(FindingSchema),
  lines: z.array(LineReportSchema),
  notChecked: z.array(NotCheckedSchema).optional(),
  tables: z.array(TableUseSchema).optional(),
  explain: z.array(RuleTraceSchema).optional(),
  input: z.array(InputNoteSchema).optional().describe("what the input's reader noticed (an 837P body, or a line of `payer-rules convert` output): the same notes `payer-rules eval` gives"),
});

export const InputErrorSchema = z.object({
  path: z.string().describe('JSON path of the bad field, e.g. `lines[0].code` (empty for the claim itself)'),
  message: z.string(),
});

export const InvalidReportSchema = z.object({
  claimId: z.string().nullable(),
  status: z.literal('invalid'),
  errors: z.array(InputErrorSchema),
  input: z.array(InputNoteSchema).optional(),
});

export const ReportSchema = z.union([ClaimReportSchema, InvalidReportSchema]);

export const ErrorSchema = z.object({
  statusCode: z.number().int(),
  error: z.string().describe('the HTTP reason phrase'),
  code: z.string().describe('a stable code: invalid-claim, invalid-json, unauthorized, body-too-large, rate-limited, …'),
  message: z.string(),
  claimId: z.string().nullable().optional(),
  status: z.literal('invalid').optional().describe('present with invalid-claim: the body is then also an invalid report'),
  errors: z.array(InputErrorSchema).optional().describe('each bad field with its JSON path'),
  requestId: z.string().optional(),
});

export const RulesetInfoSchema = z.object({
  id: z.string(),
  title: z.string().optional(),
  version: z.string(),
  effective: z.object({ from: z.string(), through: z.string().optional() }),
  hash: z.string(),
  chain: z.array(z.string()).describe('this ruleset, then the ones it extends'),
});

export const ProblemSchema = z.object({ file: z.string(), line: z.number().int(), column: z.number().int(), code: z.string(), message: z.string() });

export const RulesetsSchema = z.object({
  generation: z.number().int().describe('increases by one with every set swapped in'),
  loadedAt: z.string(),
  rulesets: z.array(RulesetInfoSchema),
});

export const ReadySchema = z.object({
  ready: z.boolean(),
  generation: z.number().int().nullable(),
  loadedAt: z.string().nullable(),
  rulesets: z.number().int(),
  stale: z.boolean().describe('true while the folder has errors and the previous set is still being served'),
  message: z.string(),
  problems: z.array(ProblemSchema).describe('the errors in the folder, when it has any'),
});

export const HealthSchema = z.object({ status: z.literal('ok') });

export const ExplainQuerySchema = z.object({
  explain: z.enum(['true', 'false', '1', '0']).describe('add per-rule condition traces to each report').optional(),
});

components.add(ClaimSchema, { id: 'Claim', description: 'a claim (DESIGN.md "Claim input"); `payer-rules schema claim` prints the same schema' });
components.add(ReportSchema, { id: 'Report', description: 'one report per claim: findings, or the errors that make the claim invalid' });
components.add(ClaimReportSchema, { id: 'ClaimReport' });
components.add(InvalidReportSchema, { id: 'InvalidReport' });
components.add(FindingSchema, { id: 'Finding' });
components.add(ErrorSchema, { id: 'Error' });
components.add(RulesetInfoSchema, { id: 'RulesetInfo' });

// The schemas above must say exactly what engine/report.ts says: a field added there fails here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(t: T) => t;
same<Same<z.output<typeof FindingSchema>, Finding>>(true);
same<Same<z.output<typeof LineReportSchema>, LineReport>>(true);
same<Same<z.output<typeof RulesetRefSchema>, RulesetRef>>(true);
same<Same<z.output<typeof NotCheckedSchema>, NotChecked>>(true);
same<Same<z.output<typeof TableUseSchema>, TableUse>>(true);
// In JSON, a trace's `expected`/`actual` is absent when the value was undefined.
type JsonTrace = Omit<RuleTrace, 'conditions'> & { conditions: (Omit<ConditionTrace, 'expected' | 'actual'> & { expected?: unknown; actual?: unknown })[] };
type JsonClaimReport = Omit<ClaimReport, 'explain'> & { explain?: JsonTrace[] };
same<Same<z.output<typeof RuleTraceSchema>, JsonTrace>>(true);
same<Same<z.output<typeof ClaimReportSchema>, JsonClaimReport>>(true);
same<Same<z.output<typeof InvalidReportSchema>, InvalidReport>>(true);
same<Same<z.output<typeof ReportSchema>, JsonClaimReport | InvalidReport>>(true);
