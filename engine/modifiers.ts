// The procedure-code modifiers payer-rules knows: those outpatient therapy claims and payer policies
// use, each with what it says (CPT Appendix A and the CMS HCPCS Level II modifier list, in our own
// words). One table: the checker warns about a modifier not in it (a typo such as `G0` for `GO`
// would otherwise never match a claim), and the editor's hover and completion read it. A payer's
// own modifier (a state Medicaid program's) is still allowed: the warning says how to keep it.

export interface ModifierInfo {
  code: string;
  doc: string;
  /** One the therapy rules use most (discipline, threshold, assistants, NCCI, telehealth): offered first. */
  common?: true;
}

const COMMON = new Set(['GO', 'GP', 'GN', 'KX', 'CQ', 'CO', '59', 'XE', 'XS', 'XP', 'XU', '25', '95', '93']);

const ROWS: readonly (readonly [string, string])[] = [
  ['22', 'increased procedural services'],
  ['25', 'a significant, separately identifiable E/M service on the day of a procedure'],
  ['26', 'professional component'],
  ['50', 'bilateral procedure'],
  ['51', 'multiple procedures'],
  ['52', 'reduced services'],
  ['53', 'discontinued procedure'],
  ['59', 'distinct procedural service (bypasses an NCCI pair whose modifier indicator is 1)'],
  ['76', 'repeat procedure or service by the same physician or other qualified health care professional'],
  ['77', 'repeat procedure by another physician or other qualified health care professional'],
  ['91', 'repeat clinical diagnostic laboratory test'],
  ['93', 'synchronous telemedicine service by audio only'],
  ['95', 'synchronous telemedicine service by real-time audio and video'],
  ['96', 'habilitative services'],
  ['97', 'rehabilitative services'],
  ['99', 'multiple modifiers'],
  ['CO', 'outpatient occupational therapy furnished in whole or in part by an occupational therapy assistant'],
  ['CQ', 'outpatient physical therapy furnished in whole or in part by a physical therapist assistant'],
  ['CR', 'related to a catastrophe or disaster'],
  ['FQ', 'service furnished using audio-only communication technology'],
  ['FR', 'the supervising practitioner was present through two-way audio and video'],
  ['GA', 'waiver of liability statement (ABN) issued as required by payer policy'],
  ['GN', 'services delivered under an outpatient speech-language pathology plan of care'],
  ['GO', 'services delivered under an outpatient occupational therapy plan of care'],
  ['GP', 'services delivered under an outpatient physical therapy plan of care'],
  ['GT', 'via interactive audio and video telecommunication systems (institutional claims)'],
  ['GX', 'notice of liability issued, voluntary under payer policy'],
  ['GY', 'item or service statutorily excluded, or not a benefit'],
  ['GZ', 'item or service expected to be denied as not reasonable and necessary (no ABN on file)'],
  ['KX', 'requirements in the medical policy have been met (therapy above the threshold is medically necessary)'],
  ['LT', 'left side'],
  ['RT', 'right side'],
  ['Q5', 'service furnished under a reciprocal billing arrangement by a substitute physician or physical therapist'],
  ['Q6', 'service furnished under a fee-for-time compensation arrangement by a substitute physician or physical therapist'],
  ['TC', 'technical component'],
  ['XE', 'separate encounter: a service distinct because it occurred during a separate encounter'],
  ['XP', 'separate practitioner: a service distinct because it was performed by a different practitioner'],
  ['XS', 'separate structure: a service distinct because it was performed on a separate organ or structure'],
  ['XU', 'unusual non-overlapping service: a service that does not overlap the usual components of the main service'],
  // State Medicaid programs define these for their own purposes (level of care, program, provider type).
  ...['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9', 'UA', 'UB', 'UC', 'UD'].map((c) => [c, 'Medicaid level of care, defined by each state program'] as const),
  ['HA', 'child or adolescent program (Medicaid)'],
  ['TL', 'early intervention, individualized family service plan (IFSP) (Medicaid)'],
  ['SC', 'medically necessary service or supply'],
];

export const MODIFIERS: ReadonlyMap<string, ModifierInfo> = new Map(ROWS.map(([code, doc]) => [code, COMMON.has(code) ? { code, doc, common: true } : { code, doc }]));

/** The modifiers in the order an editor offers them: the common ones first, then the rest. */
export const MODIFIERS_OFFERED: readonly ModifierInfo[] = [...MODIFIERS.values()].sort((a, b) => Number(!!b.common) - Number(!!a.common));
