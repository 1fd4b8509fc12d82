// A notification in the reader's language: the server sends a message key (`kind`) and its
// parameters; the words are ours (i18n notifications.kinds.*), so switching the language
// re-renders every notification. Also where clicking one goes.
import type { AppNotification } from '../api/notifications'

type T = (key: string, params?: Record<string, unknown>) => string

/** "survey.deadline" → "survey_deadline" (vue-i18n reads dots in a key as a path). */
export const kindKey = (kind: string) => kind.replace(/\./g, '_')

export function notificationText(n: AppNotification, t: T, locale: string): { title: string; body: string } {
  const p = n.params ?? {}
  const name = (locale === 'en' ? p.facility_name_en || p.facility_name : p.facility_name || p.facility_name_en) ?? ''
  const facility = p.facility_code ? `${p.facility_code} ${name}`.trim() : name
  const params = { ...p, facility, year: p.year ?? n.year ?? '' }
  const base = `notifications.kinds.${kindKey(n.kind)}`
  const title = t(`${base}.title`, params)
  if (title === `${base}.title`) return { title: n.kind, body: facility }  // a kind this UI does not know yet
  return { title, body: t(`${base}.body`, params) }
}

/**
 * The page of the notification's survey: the form for providers (survey.edit), the review page
 * for reviewers; without a survey yet, the survey list (providers) or the completion page.
 */
export function notificationLink(n: AppNotification, canEdit: boolean): string {
  if (n.survey_id) return canEdit ? `/surveys/${n.survey_id}` : `/review/${n.survey_id}`
  return canEdit ? '/surveys' : '/completion'
}
