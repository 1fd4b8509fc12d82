// A notification in the reader's language: the server sends a message key (`kind`) and its
// parameters; the words are ours (i18n notifications.kinds.*), so switching the language
// re-renders every notification. Also where clicking one goes.
import type { AppNotification, NotificationFacility } from '../api/notifications'

type T = (key: string, params?: Record<string, unknown>) => string

/** "survey.deadline" → "survey_deadline" (vue-i18n reads dots in a key as a path). */
export const kindKey = (kind: string) => kind.replace(/\./g, '_')

/** A facility's name in the reader's language (English: name_en when there is one). */
const nameIn = (locale: string, name?: string, nameEn?: string) =>
  (locale === 'en' ? nameEn || name : name || nameEn) ?? ''

/**
 * The facilities a reminder about several lists, in the reader's language: "A, B and C" when
 * all are listed, "A, B, C and 2 more" (「甲、乙、丙及其他 2 處」) when `count` is larger.
 * The separator is not a message: the i18n tests want every zh-TW message in Chinese.
 */
export function facilityList(listed: NotificationFacility[], count: number, t: T, locale: string): string {
  const names = listed.map((f) => nameIn(locale, f.name, f.name_en) || f.code)
  const sep = locale === 'en' ? ', ' : '、'
  const more = count - names.length
  if (more > 0) return t('notifications.list.more', { list: names.join(sep), more })
  if (names.length < 2) return names.join('')
  return t('notifications.list.all', { list: names.slice(0, -1).join(sep), last: names[names.length - 1] })
}

export function notificationText(n: AppNotification, t: T, locale: string): { title: string; body: string } {
  const p = n.params ?? {}
  const name = nameIn(locale, p.facility_name, p.facility_name_en)
  const facility = p.facility_code ? `${p.facility_code} ${name}`.trim() : name
  // A reminder about several facilities (params.count > 1) sums them up (docs/survey.md).
  const many = (p.count ?? 0) > 1 && Array.isArray(p.facilities)
  const list = many ? facilityList(p.facilities ?? [], p.count ?? 0, t, locale) : ''
  const params = { ...p, facility, list, year: p.year ?? n.year ?? '' }
  const base = `notifications.kinds.${kindKey(n.kind)}`
  const title = t(`${base}.title`, params)
  if (title === `${base}.title`) return { title: n.kind, body: facility || list }  // a kind this UI does not know yet
  if (many) {
    const titleMany = t(`${base}.titleMany`, params)
    const bodyMany = t(`${base}.bodyMany`, params)
    if (bodyMany !== `${base}.bodyMany`)
      return { title: titleMany === `${base}.titleMany` ? title : titleMany, body: bodyMany }
  }
  return { title, body: t(`${base}.body`, params) }
}

/**
 * The page of the notification's survey: the form for providers (survey.edit), the review page
 * for reviewers; without a survey — not started yet, or a reminder about several facilities —
 * the survey list (providers) or the completion page (reviewers).
 */
export function notificationLink(n: AppNotification, canEdit: boolean): string {
  if (n.survey_id) return canEdit ? `/surveys/${n.survey_id}` : `/review/${n.survey_id}`
  return canEdit ? '/surveys' : '/completion'
}
