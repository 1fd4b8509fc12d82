import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import { i18n } from '../src/i18n'
import NotificationBell from '../src/components/NotificationBell.vue'
import NotificationsView from '../src/views/NotificationsView.vue'
import { notificationLink, notificationText } from '../src/lib/notificationText'
import { POLL_MS, useNotifications } from '../src/stores/notifications'
import { useAuth } from '../src/stores/auth'
import type { AppNotification } from '../src/api/notifications'
import { fakeServer, signedInAs } from './helpers'

const deadline: AppNotification = {
  id: 9, kind: 'survey.deadline', survey_id: 41, facility_id: 7, year: 2026, created_at: '2026-12-01T02:00:00Z', read_at: null,
  params: { year: 2026, facility_code: 'TPC-P-001', facility_name: '協和電廠', facility_name_en: 'Hsieh-ho Power Plant', deadline: '2026-12-31', days: 30 },
}
const returned: AppNotification = {
  ...deadline, id: 8, kind: 'survey.returned', params: { ...deadline.params, comment: '請補充備援計畫' }, read_at: '2026-12-01T03:00:00Z',
}
const t = i18n.global.t as unknown as (k: string, p?: Record<string, unknown>) => string

const Stub = { template: '<div data-test="page"/>' }
function setup(handler: Parameters<typeof fakeServer>[0], perms = ['survey.edit']) {
  const calls = fakeServer(handler)
  const pinia = createPinia()
  setActivePinia(pinia)
  signedInAs(useAuth(), perms)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: Stub }] })
  return { calls, pinia, router }
}

beforeEach(() => {
  setActivePinia(createPinia())
  i18n.global.locale.value = 'zh-TW'
})
afterEach(() => {
  useNotifications().stopPolling()
  vi.useRealTimers()
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('notification text', () => {
  it('is rendered from the key and params in the current language', () => {
    expect(notificationText(deadline, t, 'zh-TW')).toEqual({
      title: '調查表將於 30 天後截止',
      body: 'TPC-P-001 協和電廠：2026 年度基本資料調查表截止日為 2026-12-31。',
    })
    i18n.global.locale.value = 'en'
    expect(notificationText(deadline, t, 'en')).toEqual({
      title: 'Survey due in 30 days',
      body: 'TPC-P-001 Hsieh-ho Power Plant: the 2026 survey is due on 2026-12-31.',
    })
    expect(notificationText(returned, t, 'en').body).toBe('TPC-P-001 Hsieh-ho Power Plant (2026): 請補充備援計畫')
  })
  it('shows an unknown kind as it is', () => {
    expect(notificationText({ ...deadline, kind: 'plan.due' }, t, 'en').title).toBe('plan.due')
  })
  it('links providers to the form and reviewers to the review page', () => {
    expect(notificationLink(deadline, true)).toBe('/surveys/41')
    expect(notificationLink(deadline, false)).toBe('/review/41')
    expect(notificationLink({ ...deadline, survey_id: null }, true)).toBe('/surveys')
  })
})

describe('the bell', () => {
  it('shows the unread count, polls every minute and after navigation', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    let unread = 3
    const { calls, pinia, router } = setup((_m, url) => (url.pathname === '/api/v1/notifications/unread-count' ? { body: { unread } } : undefined))
    router.push('/')
    await router.isReady()
    const w = mount(NotificationBell, { global: { plugins: [router, pinia, i18n, ElementPlus] } })
    await flushPromises()
    expect(w.find('[data-test=bell-count]').text()).toBe('3')
    expect(w.find('[data-test=bell]').attributes('aria-label')).toBe('通知，3 則未讀')
    unread = 5
    vi.advanceTimersByTime(POLL_MS)
    await flushPromises()
    expect(w.find('[data-test=bell-count]').text()).toBe('5')
    unread = 0
    await router.push('/surveys')
    await flushPromises()
    expect(w.find('[data-test=bell-count]').exists()).toBe(false)
    expect(calls.filter((c) => c.url === '/api/v1/notifications/unread-count').length).toBe(3)
    w.unmount()
    vi.advanceTimersByTime(POLL_MS * 3)
    expect(calls.filter((c) => c.url === '/api/v1/notifications/unread-count').length).toBe(3)
  })

  it('keeps working when the count cannot be read', async () => {
    const { pinia, router } = setup(() => ({ status: 500, body: { title: 'Internal Server Error' } }))
    router.push('/')
    await router.isReady()
    const w = mount(NotificationBell, { global: { plugins: [router, pinia, i18n, ElementPlus] } })
    await flushPromises()
    expect(w.find('[data-test=bell]').exists()).toBe(true)
    expect(w.find('[data-test=bell-count]').exists()).toBe(false)
  })
})

describe('the notifications page', () => {
  it('lists, filters unread, pages, and a click marks read and opens the survey', async () => {
    const { calls, pinia, router } = setup((m, url) => {
      if (url.pathname === '/api/v1/notifications' && m === 'GET')
        return { body: { items: url.searchParams.get('unread') ? [deadline] : [deadline, returned], total: 45, limit: 20, offset: 0 } }
      if (url.pathname === '/api/v1/notifications/9/read') return { body: { ...deadline, read_at: '2026-12-02T00:00:00Z' } }
      return undefined
    })
    router.push('/notifications')
    await router.isReady()
    useNotifications().unread = 2
    const w = mount(NotificationsView, { global: { plugins: [router, pinia, i18n, ElementPlus] }, attachTo: document.body })
    await flushPromises()
    const rows = w.findAll('[data-test=notification]')
    expect(rows.length).toBe(2)
    expect(rows[0].text()).toContain('調查表將於 30 天後截止')
    expect(rows[1].text()).toContain('調查表退回補正')
    expect(w.find('[data-test=pages]').exists()).toBe(true)
    await w.find('[data-test=unread-only] input').setValue(true)
    await flushPromises()
    expect(calls.some((c) => c.url === '/api/v1/notifications?unread=true&limit=20&offset=0')).toBe(true)
    await w.findAll('[data-test=notification]')[0].trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/notifications/9/read')).toBe(true)
    expect(useNotifications().unread).toBe(1)
    expect(router.currentRoute.value.path).toBe('/surveys/41')
  })
})
