// Classification markings: colours, labels and the editor's checks, as the server's
// domain/security.cc check_classification does them.
import { CLASS_LEVELS, isNationalSecret, type ClassLevel } from '../api/auth'
import type { Classification } from '../api/types'

/** Background and text colour of a marking (white text ≥ 4.5:1 on every classified colour). */
export const LEVEL_COLOURS: Record<ClassLevel, { bg: string; fg: string }> = {
  general: { bg: '#e8eaed', fg: '#3c4043' },
  official: { bg: '#1a5fb4', fg: '#ffffff' },
  confidential: { bg: '#b34700', fg: '#ffffff' },
  secret: { bg: '#b3261e', fg: '#ffffff' },
  top_secret: { bg: '#5c0a0a', fg: '#ffffff' },
}

export const levelOf = (c: Classification | undefined | null): ClassLevel =>
  c && CLASS_LEVELS.includes(c.level as ClassLevel) ? (c.level as ClassLevel) : 'general'

export const isClassified = (c: Classification | undefined | null) => levelOf(c) !== 'general'

export interface ClassificationForm {
  level: ClassLevel
  reason: string
  declassify_on: string
  declassify_condition: string
}

export function toClassificationForm(c: Classification | undefined | null): ClassificationForm {
  return {
    level: levelOf(c),
    reason: c?.reason ?? '',
    declassify_on: c?.declassify_on ?? '',
    declassify_condition: c?.declassify_condition ?? '',
  }
}

/** Field → i18n key of what is wrong (empty when the form may be sent). */
export function validateClassification(f: ClassificationForm): Record<string, string> {
  const e: Record<string, string> = {}
  if (f.level !== 'general' && !f.reason.trim()) e.reason = 'classification.reasonRequired'
  if (f.declassify_on && !/^\d{4}-\d{2}-\d{2}$/.test(f.declassify_on)) e.declassify_on = 'classification.dateFormat'
  else if (isNationalSecret(f.level) && !f.declassify_on && !f.declassify_condition.trim())
    e.declassify_on = 'classification.declassifyRequired'
  return e
}

/** The PUT /facilities/{id}/classification body. */
export function classificationBody(f: ClassificationForm) {
  const general = f.level === 'general'
  return {
    level: f.level,
    reason: f.reason.trim(),
    ...(!general && f.declassify_on ? { declassify_on: f.declassify_on } : {}),
    ...(!general && f.declassify_condition.trim() ? { declassify_condition: f.declassify_condition.trim() } : {}),
  }
}
