// API keys for the evaluation service: `name:key` pairs from a file (one a line) or from
// PAYER_RULES_API_KEYS (comma-separated). Only a SHA-256 digest of each key is kept in memory, and
// only the key's name ever reaches a log, a metric or an error message.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UnreadableError, UsageError, displayPath } from '../workspace/files.ts';

/** Shorter keys are refused: a key must not be guessable by trying. */
export const MIN_KEY_LENGTH = 16;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const KEY = /^[\x21-\x7e]+$/;

export interface ApiKeys {
  /** How many keys are configured (0: the service accepts unauthenticated requests on loopback only). */
  readonly size: number;
  /** The name of the key a request presented, or undefined when it matches none. */
  nameOf(key: string): string | undefined;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * Parses `name:key` pairs. `where(i)` names the i-th pair in messages (`keys.txt:3`); messages
 * never quote a key.
 */
export function parseApiKeys(pairs: string[], where: (i: number) => string): ApiKeys {
  const byDigest = new Map<string, { name: string; digest: Buffer }>();
  const names = new Set<string>();
  pairs.forEach((raw, i) => {
    const pair = raw.trim();
    const colon = pair.indexOf(':');
    if (colon < 0) throw new UsageError(`${where(i)}: an API key is written name:key (no colon found)`);
    const name = pair.slice(0, colon).trim();
    const key = pair.slice(colon + 1).trim();
    if (!NAME.test(name)) throw new UsageError(`${where(i)}: the key name must be 1-64 letters, digits, dots, dashes or underscores`);
    if (!KEY.test(key)) throw new UsageError(`${where(i)}: the key for \`${name}\` must be printable ASCII without spaces`);
    if (key.length < MIN_KEY_LENGTH) throw new UsageError(`${where(i)}: the key for \`${name}\` is shorter than ${MIN_KEY_LENGTH} characters; use a long random key (e.g. \`openssl rand -hex 32\`)`);
    if (names.has(name)) throw new UsageError(`${where(i)}: the key name \`${name}\` appears twice`);
    const d = digest(key);
    const hex = d.toString('hex');
    if (byDigest.has(hex)) throw new UsageError(`${where(i)}: the key for \`${name}\` is the same as the key for \`${byDigest.get(hex)!.name}\``);
    names.add(name);
    byDigest.set(hex, { name, digest: d });
  });
  return {
    size: byDigest.size,
    nameOf(key) {
      if (key.length === 0 || key.length > 512) return undefined;
      const d = digest(key);
      const hit = byDigest.get(d.toString('hex'));
      // The map lookup is on a digest, which reveals nothing about the key; the comparison confirms it.
      return hit && timingSafeEqual(hit.digest, d) ? hit.name : undefined;
    },
  };
}

/** Keys from `--api-keys FILE` and/or PAYER_RULES_API_KEYS; empty when neither is given. */
export function loadApiKeys(file: string | undefined, env: string | undefined): ApiKeys {
  const pairs: string[] = [];
  const where: string[] = [];
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new UnreadableError(`cannot read the API keys file ${displayPath(file)}`);
    }
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '' || line.trimStart().startsWith('#')) return;
      pairs.push(line);
      where.push(`${displayPath(file)}:${i + 1}`);
    });
    if (pairs.length === 0) throw new UsageError(`${displayPath(file)} holds no API keys (one name:key a line)`);
  }
  if (env !== undefined && env.trim() !== '') {
    env.split(',').forEach((p, i) => {
      if (p.trim() === '') return;
      pairs.push(p);
      where.push(`PAYER_RULES_API_KEYS item ${i + 1}`);
    });
  }
  return parseApiKeys(pairs, (i) => where[i]!);
}

/** The key in an `Authorization: Bearer KEY` header, or undefined. */
export function bearerKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}
