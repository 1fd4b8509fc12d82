// The header bell's state: the unread count (polled every minute and after each navigation)
// and the few newest notifications shown in its list. Errors leave the last known state: a
// bell must never break a page.
import { defineStore } from 'pinia'
import { listNotifications, markAllRead, markRead, unreadCount, type AppNotification } from '../api/notifications'
import { notificationLink } from '../lib/notificationText'

export const POLL_MS = 60_000
export const RECENT = 8
let timer: ReturnType<typeof setInterval> | null = null

export const useNotifications = defineStore('notifications', {
  state: () => ({ unread: 0, recent: [] as AppNotification[] }),
  actions: {
    async refreshCount() {
      try {
        this.unread = await unreadCount()
      } catch {
        /* keep the last count */
      }
    },
    async loadRecent() {
      try {
        this.recent = (await listNotifications({ limit: RECENT })).items
      } catch {
        /* keep the last list */
      }
    },
    /** Marks it read (once; the count follows) and returns the page to open (notificationLink). */
    async open(n: AppNotification, canEdit: boolean): Promise<string> {
      const link = notificationLink(n, canEdit)
      if (n.read_at) return link
      try {
        const r = await markRead(n.id)
        this.recent = this.recent.map((x) => (x.id === n.id ? r : x))
        this.unread = Math.max(0, this.unread - 1)
      } catch {
        /* the link still works */
      }
      return link
    },
    async readAll() {
      await markAllRead()
      const now = new Date().toISOString()
      this.recent = this.recent.map((x) => (x.read_at ? x : { ...x, read_at: now }))
      this.unread = 0
    },
    startPolling() {
      this.stopPolling()
      this.refreshCount()
      timer = setInterval(() => this.refreshCount(), POLL_MS)
    },
    stopPolling() {
      if (timer) clearInterval(timer)
      timer = null
    },
  },
})
