// The survey's 422 problems, beside their fields and in the reader's language. The server writes
// every problem of a submission at once, each with a JSON pointer ("/core_functions/0/name") and
// an English detail; known details map to message keys (survey.err.*), others stay as sent.
import type { Problem } from '../api/types'

const KNOWN: [RegExp, string][] = [
  [/^list at least one core function/, 'noCoreFunction'],
  [/maximum tolerable downtime is required/, 'mtpd'],
  [/continuity arrangement is required/, 'continuity'],
  [/^list the internal essential assets/, 'noAssets'],
  [/backup plan .*is required|^is required \(write 'none'/, 'backupPlan'],
  [/maximum backup time is required/, 'maxBackup'],
  [/stops a core function/, 'stops'],
  [/can be temporarily replaced/, 'replaceable'],
  [/score from 1/, 'score'],
  [/evidence for the score is required/, 'evidence'],
  [/government and social functions/, 'categories'],
  [/^unknown category/, 'category'],
  [/is not registered/, 'supplierUnknown'],
  [/^must be 1, 2 or 3/, 'grade'],
  [/reasons for the grade are required/, 'reasons'],
  [/at least one consultation/, 'consultations'],
  [/must be a date YYYY-MM-DD/, 'date'],
  [/what was said is required/, 'summary'],
  [/number of hours/, 'hours'],
  [/opinion is required/, 'opinion'],
  [/should be in the inventory/, 'missingReason'],
  [/^is required: the supplier/, 'supplierName'],
  [/^is required$/, 'required'],
]

/** The message key (under survey.err) for a server detail, or undefined when unknown. */
export function errorKey(detail: string): string | undefined {
  return KNOWN.find(([re]) => re.test(detail))?.[1]
}

export type Translate = (key: string) => string

/**
 * The problem's errors by pointer, translated: { "/core_functions/0/name": "必填" }. `prefix` is
 * put before each pointer (a section's PUT answers with pointers inside the section body).
 * Several problems of one pointer are joined.
 */
export function surveyFieldErrors(p: Problem | undefined, t: Translate, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of p?.errors ?? []) {
    const ptr = prefix + (e.pointer ?? '')
    const key = errorKey(e.detail)
    const msg = key ? t(`survey.err.${key}`) : e.detail
    out[ptr] = out[ptr] ? `${out[ptr]}；${msg}` : msg
  }
  return out
}

/** The section a pointer belongs to ("/self_assessment/population/score" → self_assessment). */
export function sectionOf(pointer: string): string {
  return pointer.split('/')[1] ?? ''
}
