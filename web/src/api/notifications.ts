// The signed-in user's notifications (survey reminders and workflow events, docs/survey.md
// "Reminders and notifications"): a message key (`kind`) plus params that the UI renders in
// the reader's language (lib/notificationText.ts).
import { API, buildQuery, get, request } from './client'
import type { Page } from './types'

export type NotificationKind =
  | 'survey.deadline'
  | 'survey.overdue'
  | 'survey.returned'
  | 'survey.accepted'
  | 'survey.finalised'

/** One of the facilities a reminder about several lists. */
export interface NotificationFacility {
  code: string
  name?: string
  name_en?: string
}

export interface NotificationParams {
  year?: number
  /** A reminder about several facilities: how many, and the first few by code. */
  count?: number
  facilities?: NotificationFacility[]
  facility_code?: string
  facility_name?: string
  facility_name_en?: string
  deadline?: string
  days?: number
  comment?: string
  grade?: number
}

export interface AppNotification {
  id: number
  kind: NotificationKind | string
  params: NotificationParams
  survey_id: number | null
  facility_id: number | null
  year: number | null
  created_at: string
  read_at: string | null
}

const N = `${API}/notifications`

export const listNotifications = (q: { unread?: boolean; limit?: number; offset?: number } = {}) =>
  get<Page<AppNotification>>(`${N}${buildQuery({ unread: q.unread ? 'true' : undefined, limit: q.limit, offset: q.offset })}`)
export const unreadCount = () => get<{ unread: number }>(`${N}/unread-count`).then((x) => x.unread)
export const markRead = (id: number) => request<AppNotification>('POST', `${N}/${id}/read`).then((x) => x.data)
export const markAllRead = () => request<{ marked: number }>('POST', `${N}/read-all`).then((x) => x.data.marked)
