// The diagnostic catalog: every code the language reports, once. Codes are stable forever and never
// reused. PR1xxx lexing and syntax, PR2xxx names, types and values, PR3xxx warnings (lint),
// PR4xxx compile, PR5xxx data files beside a ruleset (test-case files and claims files, checked by
// the studio). Messages follow one style: a lowercase fragment, no final period, user text in
// backticks, written for a compliance lead rather than a programmer.

import type { Severity } from '../engine/severity.ts';
export type { Severity };

export interface DiagnosticInfo {
  severity: Severity;
  /** What the diagnostic is about, for docs and the editor's problem list. */
  title: string;
}

export const DIAGNOSTIC_CODES = {
  PR1001: { severity: 'error', title: 'a character the language does not use' },
  PR1002: { severity: 'error', title: 'a quoted text without its closing quote' },
  PR1003: { severity: 'error', title: 'a syntax error: something missing or out of place' },
  PR1004: { severity: 'error', title: 'brackets nested too deeply' },
  PR1005: { severity: 'error', title: 'the file is too large to check' },
  PR1006: { severity: 'error', title: 'an expression too long to check' },

  PR2001: { severity: 'error', title: 'a code set name that is not defined' },
  PR2002: { severity: 'error', title: 'a claim field that does not exist' },
  PR2003: { severity: 'error', title: 'two rules with the same id' },
  PR2004: { severity: 'error', title: 'two code sets with the same name' },
  PR2005: { severity: 'error', title: 'a procedure code of the wrong shape' },
  PR2006: { severity: 'error', title: 'a modifier of the wrong shape' },
  PR2007: { severity: 'error', title: 'a place of service of the wrong shape' },
  PR2008: { severity: 'error', title: 'a diagnosis code of the wrong shape' },
  PR2009: { severity: 'error', title: 'a code range written high to low, or between codes of different kinds' },
  PR2010: { severity: 'error', title: 'a date that is not on the calendar' },
  PR2011: { severity: 'error', title: 'a date window that ends before it starts' },
  PR2012: { severity: 'error', title: 'values of different types compared or combined' },
  PR2013: { severity: 'error', title: 'rulesets that extend each other in a circle' },
  PR2014: { severity: 'error', title: 'a base ruleset that cannot be found' },
  PR2015: { severity: 'error', title: 'the ruleset header is missing or repeated' },
  PR2016: { severity: 'error', title: 'the version line is missing or repeated' },
  PR2017: { severity: 'error', title: 'a unit counting method that does not exist' },
  PR2018: { severity: 'error', title: 'a statement that reports findings has no id' },
  PR2019: { severity: 'error', title: 'a setting line given an id' },
  PR2020: { severity: 'error', title: '`override` with nothing inherited to replace' },
  PR2021: { severity: 'error', title: 'an inherited rule or code set redefined without `override`' },
  PR2022: { severity: 'error', title: '`disable` of a rule that does not exist' },
  PR2023: { severity: 'error', title: 'a clause written twice' },
  PR2024: { severity: 'error', title: 'a rule without a `when` condition' },
  PR2025: { severity: 'error', title: 'a statement in a block where it does not belong' },
  PR2026: { severity: 'error', title: 'an operator used on a value it does not apply to' },
  PR2027: { severity: 'error', title: 'code sets that include each other in a circle' },
  PR2028: { severity: 'error', title: 'a setting given twice' },
  PR2029: { severity: 'error', title: 'a number out of range' },
  PR2030: { severity: 'error', title: 'a condition that is not a yes/no question' },
  PR2031: { severity: 'error', title: 'a finding kind that is not a name' },
  PR2032: { severity: 'error', title: 'an aggregate over something that is not a list' },
  PR2033: { severity: 'error', title: 'two versions of one ruleset whose effective windows overlap' },
  PR2034: { severity: 'error', title: 'a chain of `extends` too long to check' },
  PR2035: { severity: 'error', title: 'a reference table that is not loaded' },
  PR2036: { severity: 'error', title: 'a reference table of the wrong kind for the statement' },
  PR2037: { severity: 'error', title: 'a set of procedure codes where diagnoses are expected, or the reverse' },
  PR2038: { severity: 'error', title: '`this.` or `per day` where there is no line being checked' },
  PR2039: { severity: 'error', title: 'a `not checked` line that does not say what is left out' },

  PR3001: { severity: 'warning', title: 'a code set no rule uses' },
  PR3002: { severity: 'warning', title: 'a rule that can never fire' },
  PR3003: { severity: 'warning', title: 'a code listed twice in one set' },
  PR3004: { severity: 'warning', title: 'a rule without a citation' },
  PR3005: { severity: 'warning', title: 'a diagnosis set entry that another entry already holds' },
  PR3006: { severity: 'warning', title: 'a diagnosis set that holds no code' },
  PR3007: { severity: 'warning', title: 'a modifier payer-rules does not know (a typo such as G0 for GO never matches a claim)' },

  PR4001: { severity: 'error', title: 'the ruleset could not be compiled' },

  PR5001: { severity: 'error', title: 'the file is not valid YAML or JSON' },
  PR5002: { severity: 'error', title: 'a case file that does not match the case-file schema' },
  PR5003: { severity: 'error', title: 'a case whose claimRef names no claim of the file' },
  PR5004: { severity: 'error', title: 'a claim that fails the claim contract' },
} as const satisfies Record<string, DiagnosticInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
