// The survey's 422 problems, beside their fields and in the reader's language. The server writes
// every problem of a submission at once, each with a JSON pointer ("/core_functions/0/name"), an
// English detail and a stable machine code ("survey.mtpd_required", docs/survey.md). Codes map
// to message keys (survey.err.*); a problem without a known code (a malformed body, a rule
// without a message of ours) shows the server's detail as sent. Nothing depends on the English
// wording.
import type { Problem } from '../api/types'

/** Message key (under survey.err) of each code the survey, round and registry rules send. */
export const CODE_KEYS: Record<string, string> = {
  'survey.required': 'required',
  'survey.core_function_missing': 'noCoreFunction',
  'survey.mtpd_required': 'mtpd',
  'survey.continuity_required': 'continuity',
  'survey.assets_missing': 'noAssets',
  'survey.backup_plan_required': 'backupPlan',
  'survey.max_backup_required': 'maxBackup',
  'survey.stops_core_function_required': 'stops',
  'survey.replaceable_required': 'replaceable',
  'survey.score_required': 'score',
  'survey.score_range': 'score',
  'survey.evidence_required': 'evidence',
  'survey.categories_required': 'categories',
  'survey.category_unknown': 'category',
  'survey.category_duplicate': 'categoryTwice',
  'survey.supplier_unknown': 'supplierUnknown',
  'survey.supplier_invalid': 'supplierUnknown',
  'survey.supplier_name_required': 'supplierName',
  'survey.grade_invalid': 'grade',
  'survey.reasons_required': 'reasons',
  'survey.rank_invalid': 'rank',
  'survey.rank_beyond': 'rankBeyond',
  'survey.consultation_required': 'consultations',
  'survey.date_invalid': 'date',
  'survey.summary_required': 'summary',
  'survey.hours_invalid': 'hours',
  'survey.too_long': 'tooLong',
  'survey.duplicate': 'duplicate',
  'survey.opinion_required': 'opinion',
  'survey.missing_reason_required': 'missingReason',
  'survey.comment_required': 'returnComment',
  'survey.round_year_invalid': 'roundYear',
  'survey.deadline_before_opening': 'deadlineBefore',
  'survey.reminders_too_many': 'remindersTooMany',
  'survey.reminder_day_invalid': 'reminderDay',
  'survey.reminder_day_duplicate': 'duplicate',
  'registry.required': 'required',
  'registry.too_long': 'tooLong',
  'registry.hours_invalid': 'hours',
  'registry.resource_unknown': 'resourceUnknown',
  'registry.supplier_required': 'supplierRequired',
  'registry.supplier_duplicate': 'supplierTwice',
  'registry.self_supply': 'selfSupply',
  'registry.min_up_invalid': 'minUp',
  'registry.min_up_exceeds': 'minUp',
}

/** The message key (under survey.err) for a problem's code, or undefined when unknown. */
export function errorKey(code: string | undefined): string | undefined {
  return code ? CODE_KEYS[code] : undefined
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
    const key = errorKey(e.code)
    const msg = key ? t(`survey.err.${key}`) : e.detail
    out[ptr] = out[ptr] ? `${out[ptr]}；${msg}` : msg
  }
  return out
}

/** The section a pointer belongs to ("/self_assessment/population/score" → self_assessment). */
export function sectionOf(pointer: string): string {
  return pointer.split('/')[1] ?? ''
}
