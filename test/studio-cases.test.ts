// "Save as a test case" writes claims into a repository, so the studio server de-identifies them
// first (studio/deidentify.ts), whatever the page sends: the patient id, member ids and unknown
// keys are dropped, the birth date becomes a synthetic one giving the same age in whole years on
// the date of service, the authorization number becomes AUTH-1 (its dates and visits kept). The
// saved case judges as the original claim did: NC Medicaid's adult visit limit starts at 21, so
// claims a day either side of the 21st birthday keep their outcome (and `test` passes on the file).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { createStudio, TOKEN_HEADER, type Studio } from '../studio/server.ts';
import { syntheticBirthDate } from '../studio/deidentify.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'studio-cases-'));
const rulesets = join(dir, 'rulesets');
let studio: Studio;
let base = '';

beforeAll(async () => {
  mkdirSync(rulesets);
  cpSync(join(ROOT, 'rulesets/nc-medicaid/2025.payer'), join(rulesets, 'nc-medicaid/2025.payer'));
  studio = createStudio({ rulesetsDir: rulesets, staticDir: join(dir, 'static'), port: 0 });
  await new Promise<void>((ok) => studio.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(studio.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => studio.close(() => ok())));

const post = async (route: string, body: unknown) => {
  const r = await fetch(`${base}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: studio.studioToken }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

/** Made-up identities, but shaped like real ones: none of these strings may reach the file. */
const PHI = { patientId: 'PAT-778812', memberId: 'MBR-55120934', auth: 'NC-PA-99120', name: 'Pat Example' };
const claim = (id: string, birthDate: string) => ({
  id,
  payer: 'nc-medicaid',
  patient: { id: PHI.patientId, birthDate, name: PHI.name },
  subscriber: { memberId: PHI.memberId },
  provider: { npi: '1234567893', discipline: 'OT' },
  dateOfService: '2026-03-02',
  placeOfService: '11',
  diagnoses: ['I69.351'],
  coverage: { program: 'medicaid-direct', benefit: 'rehabilitative' },
  history: { visitsThisYear: 30 },
  priorAuthorization: { number: PHI.auth, from: '2026-01-05', to: '2026-07-04', visits: 12, visitsUsed: 3 },
  lines: [{ code: '97530', modifiers: ['GO'], units: 1, minutes: 15, memberId: PHI.memberId }],
});

describe('save as a test case de-identifies the claim on the server', () => {
  it.each([
    { note: '21 on the date of service: the adult limit applies', id: 'NC-21', birthDate: '2005-03-02', status: 'errors', age: 21 },
    { note: 'a day before the 21st birthday: it does not', id: 'NC-20', birthDate: '2005-03-03', status: 'clean', age: 20 },
    { note: 'born on 29 February, 78 on the date of service', id: 'NC-78', birthDate: '1948-02-29', status: 'errors', age: 78 },
  ])('$note', async ({ id, birthDate, status, age }) => {
    const original = claim(id, birthDate);
    const before = await post('/api/evaluate', { jobs: [{ lineNo: 1, value: original }] });
    expect((before.body['reports'] as { status: string }[])[0]!.status).toBe(status);

    const path = `nc-medicaid/${id.toLowerCase()}.cases.yaml`;
    const saved = await post('/api/cases', { path, baseVersion: null, name: `${id} from the studio`, claim: original });
    expect(saved.status).toBe(201);
    expect(saved.body['changes']).toEqual(expect.arrayContaining(['dropped patient.id', 'dropped patient.name', 'dropped subscriber (not a claim field)', 'replaced priorAuthorization.number with AUTH-1', 'dropped lines[…].memberId (not a claim field)']));
    const text = readFileSync(join(rulesets, path), 'utf8');
    // The written birth date is a function of the age alone (date of service minus the age), so it
    // says nothing more than the age, even when a real birthday falls on the date of service.
    const synthetic = `${2026 - age}-03-02`;
    const secrets = [...Object.values(PHI), ...(birthDate === synthetic ? [] : [birthDate])];
    for (const value of secrets) expect(text).not.toContain(value);
    expect(JSON.stringify(saved.body)).not.toMatch(new RegExp(secrets.join('|')));

    const written = (parse(text) as { cases: { claim: typeof original; expect: { status: string } }[] }).cases[0]!;
    expect(written.claim.patient).toEqual({ birthDate: synthetic });
    expect(written.claim.priorAuthorization).toEqual({ number: 'AUTH-1', from: '2026-01-05', to: '2026-07-04', visits: 12, visitsUsed: 3 });
    expect(written.expect.status).toBe(status);
    // The case file passes `payer-rules test` as the studio runs it.
    const tests = await post('/api/tests', { path, text });
    expect((tests.body['result'] as { failed: number; passed: number })).toMatchObject({ failed: 0, passed: 1 });
  });

  it('a birth date that is not a real date is refused, and nothing is written', async () => {
    const r = await post('/api/cases', { path: 'nc-medicaid/bad.cases.yaml', baseVersion: null, name: 'bad', claim: claim('NC-BAD', '02/11/1948') });
    expect(r.status).toBe(400);
    expect(r.body['error']).toContain('birth date is not a real date');
    expect(JSON.stringify(r.body)).not.toContain('1948');
  });

  it.each([
    { note: 'an ordinary birthday', birth: '1948-02-11', dos: '2026-03-02', want: '1948-03-02' },
    { note: 'the birthday is the date of service', birth: '1960-03-02', dos: '2026-03-02', want: '1960-03-02' },
    { note: 'the day before the birthday', birth: '1960-03-03', dos: '2026-03-02', want: '1961-03-02' },
    { note: 'a date of service on 29 February, 3 years old', birth: '2020-06-01', dos: '2024-02-29', want: '2021-02-28' },
  ])('synthetic birth date: $note', ({ birth, dos, want }) => {
    expect(syntheticBirthDate(birth, dos)).toBe(want);
  });
});
