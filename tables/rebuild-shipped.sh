#!/bin/sh
# Rebuilds the tables shipped in rulesets/tables/ from the source extracts they were imported from
# (DATA = the folder holding the CSVs named below; see docs/tables.md, "Shipped tables", for where
# each came from). Every release is written by `payer-rules import`, as a user would.
set -eu
DATA=${1:?usage: tables/rebuild-shipped.sh DATA-FOLDER [INTO]}
INTO=${2:-rulesets/tables}
run() { node bin/payer-rules.mjs import "$@" --into "$INTO" --replace >/dev/null; echo "imported: $1 $2"; }

PTP_2024_SCOPE='92507-92633, 97010-97799, G0283'
run ncci-ptp "$DATA/cms/ncci_ptp_practitioner_therapy_2024q3.csv" --release 2024-07-01 --from 2024-07-01 --through 2024-09-30 \
  --source 'CMS Medicare NCCI practitioner PTP edits effective 2024-07-01 (quarterly release 2024 Q3): every edit whose column 1 or column 2 code is a therapy code (39,305 of the 2,546,017 national edits), from the CMS ccipra files as mirrored in andrewallenbruce/northstar (pin ncci_ptp_prac, 2024-06-22)' \
  --scope-any "$PTP_2024_SCOPE" --scope-note 'every edit in which a therapy code (92507-92633, 97010-97799, G0283) is column 1 or column 2; edits between two other codes are not in this release' \
  --missing 'effective: the source extract has no effective-date column and it could not be recovered; each edit is taken to apply from the start until its deletion date'
run ncci-ptp "$DATA/ncci-ptp-therapy.csv" --release 2026-10-01 --from 2026-10-01 --through 2026-12-31 \
  --source 'PARTIAL: CMS Medicare NCCI practitioner PTP v32.3 (ccipra-v323r0, effective 2026-10-01), only the rows a third-party extract carried: pairs among 97110, 97112, 97116, 97140, 97161-97163, 97530, 97597, 97598 and with E/M 99202-99215 (Ttheegela/PriorPath data/reference/subset/ptp.csv). Pairs of other therapy codes are absent because the extract lacks them, not because CMS has no edit' \
  --scope-any '97110, 97112, 97116, 97140, 97161-97163, 97530, 97597, 97598' --scope-all '97110, 97112, 97116, 97140, 97161-97163, 97530, 97597, 97598, 99202-99215' \
  --scope-note 'only pairs among 97110, 97112, 97116, 97140, 97161-97163, 97530, 97597, 97598 and of one of them with E/M 99202-99215' \
  --missing 'rationale: the extract did not carry the PTP edit rationale column'
run mue "$DATA/cms/ncci_mue_practitioner_therapy_2024q3.csv" --release 2024-07-01 --from 2024-07-01 --through 2024-09-30 \
  --source 'CMS Medicare NCCI practitioner services MUE table effective 2024-07-01 (MCR_MUE_PractitionerServices_Eff_07-01-2024), therapy and E/M codes (169 of 14,677), as mirrored in andrewallenbruce/northstar (pin ncci_mue_prac)' \
  --scope-any '92507-92633, 97010-97799, 99202-99215, G0283' --scope-note 'codes 92507-92633, 97010-97799, 99202-99215 and G0283; a code of these ranges without a row has no MUE'
run mue "$DATA/mue-practitioner-therapy.csv" --release 2026-04-01 --from 2026-04-01 --through 2026-06-30 \
  --source 'CMS Medicare NCCI practitioner services MUE table effective 2026-04-01 (MCR_MUE_PractitionerServices_Eff_04-01-2026, 2026 Q2), therapy codes, unmodified values (Ramachandran-Kumar/mediaguard-ai, data/, read from history)' \
  --scope-any '92507, 92508, 92521-92526, 92597, 92607-92610, 97010-97799, G0283' --scope-note 'therapy codes 97010-97799, 92507, 92508, 92521-92526, 92597, 92607-92610 and G0283; E/M and other codes are not in this release'
run icd10cm "$DATA/cms/icd10cm_fy2025.csv" --release FY2025 --from 2024-10-01 --through 2025-09-30 \
  --source 'CDC/NCHS ICD-10-CM FY2025 order file (icd10cm-order-2025.txt from "ICD10-CM Code Descriptions 2025.zip"; the April 2025 update is identical), every row; code, billable flag and long description (public domain)'
run icd10cm "$DATA/cms/icd10cm_fy2026.csv" --release FY2026 --from 2025-10-01 --through 2026-09-30 \
  --source 'CDC/NCHS ICD-10-CM FY2026 order file (icd10cm-order-2026.txt from "icd10cm-Code Descriptions-2026.zip"), every row; code, billable flag and long description (public domain). The April 1, 2026 update is not included'
run procedure-codes "$DATA/cms/hcpcs_level2_2024jul_all_codes.csv" "$DATA/cms/therapy_code_mpfs_status_2020_2024.csv" --release 2024-07-01 \
  --source 'CMS HCPCS Level II quarterly file July 2024 (HCPC2024_JUL_ANWEB_v3: add and termination dates of every Level II code, no descriptions) and the MPFS status indicator of each therapy and E/M code in every PPRRVU file RVU20A (Jan 2020) to RVU24C (Jul 2024); CPT codes appear as codes only' \
  --scope-any '92507-92633, 97001-97799, 99202-99215, A0000-V9999' \
  --scope-note 'CPT codes 92507-92633, 97001-97799 and 99202-99215 (a code of these ranges that is in none of the RVU files, such as 97001, deleted in 2017, is not valid) and every HCPCS Level II code; other CPT codes are not in this release'
run fee-schedule "$DATA/cms/mpfs_2024_therapy_rvus.csv" \
  --source 'CMS PFS national relative value files CY2024 (PPRRVU24: RVU24A, RVU24AR, RVU24B, RVU24C), therapy and E/M codes with their modifier rows, read from andrewallenbruce/arkrvu (pin pprrvu_2024); amounts are RVU × conversion factor at national GPCIs' \
  --missing 'RVU24D (October-December 2024) and the 2025-2026 files are not in the source; later dates of service use RVU24C'
