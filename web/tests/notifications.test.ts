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
// A reminder about several facilities: how many, the first few by code, no survey.
const facilities = [
  { code: 'TPC-P-001', name: '協和電廠', name_en: 'Hsieh-ho Power Plant' },
  { code: 'TPC-P-002', name: '林口電廠', name_en: 'Linkou Power Plant' },
  { code: 'TPC-S-001', name: '龍潭變電所', name_en: '' },
]
const summary: AppNotification = {
  ...deadline, id: 10, survey_id: null, facility_id: null,
  params: { year: 2026, count: 5, facilities, deadline: '2026-12-31', days: 14 },
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
  it('sums up a reminder about several facilities, names in the reader\'s language', () => {
    expect(notificationText(summary, t, 'zh-TW')).toEqual({
      title: '調查表將於 14 天後截止',
      body: '5 處設施尚未送出 2026 年度調查表（截止日 2026-12-31）：協和電廠、林口電廠、龍潭變電所及其他 2 處。',
    })
    i18n.global.locale.value = 'en'
    expect(notificationText(summary, t, 'en')).toEqual({
      title: 'Surveys due in 14 days',
      body: '5 facilities have not submitted the 2026 survey (due 2026-12-31): Hsieh-ho Power Plant, Linkou Power Plant, 龍潭變電所 and 2 more.',
    })
    // All of them listed: no "more".
    const three = { ...summary, params: { ...summary.params, count: 3 } }
    expect(notificationText(three, t, 'en').body).toBe(
      '3 facilities have not submitted the 2026 survey (due 2026-12-31): Hsieh-ho Power Plant, Linkou Power Plant and 龍潭變電所.',
    )
    const overdue = { ...summary, kind: 'survey.overdue', params: { ...summary.params, count: 2, facilities: facilities.slice(0, 2), days: 8 } }
    expect(notificationText(overdue, t, 'en')).toEqual({
      title: 'Surveys overdue by 8 days',
      body: '2 facilities have not submitted the 2026 survey, which was due on 2026-12-31: Hsieh-ho Power Plant and Linkou Power Plant.',
    })
    i18n.global.locale.value = 'zh-TW'
    expect(notificationText(overdue, t, 'zh-TW')).toEqual({
      title: '調查表已逾期 8 天',
      body: '2 處設施尚未送出 2026 年度調查表（截止日 2026-12-31，已逾期）：協和電廠及林口電廠。',
    })
    expect(notificationText(three, t, 'zh-TW').body).toBe('3 處設施尚未送出 2026 年度調查表（截止日 2026-12-31）：協和電廠、林口電廠及龍潭變電所。')
  })
  it('keeps the one-facility text for an overdue reminder about one facility, in both languages', () => {
    const one: AppNotification = { ...deadline, kind: 'survey.overdue', params: { ...deadline.params, days: 1 } }
    expect(notificationText(one, t, 'zh-TW')).toEqual({
      title: '調查表已逾期 1 天',
      body: 'TPC-P-001 協和電廠：2026 年度調查表應於 2026-12-31 前送出，尚未送出。',
    })
    i18n.global.locale.value = 'en'
    expect(notificationText(one, t, 'en')).toEqual({
      title: 'Survey overdue by 1 days',
      body: 'TPC-P-001 Hsieh-ho Power Plant: the 2026 survey was due on 2026-12-31 and has not been submitted.',
    })
  })
  it('shows an unknown kind as it is', () => {
    expect(notificationText({ ...deadline, kind: 'plan.due' }, t, 'en').title).toBe('plan.due')
  })
  it('links providers to the form and reviewers to the review page', () => {
    expect(notificationLink(deadline, true)).toBe('/surveys/41')
    expect(notificationLink(deadline, false)).toBe('/review/41')
    expect(notificationLink({ ...deadline, survey_id: null }, true)).toBe('/surveys')
    expect(notificationLink({ ...deadline, survey_id: null }, false)).toBe('/completion')
  })
  it('links a reminder about several facilities to the survey list (providers) or the completion page', () => {
    expect(notificationLink(summary, true)).toBe('/surveys')
    expect(notificationLink({ ...summary, kind: 'survey.overdue' }, false)).toBe('/completion')
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

  it('shows a reminder about several facilities as one row, and a click opens the survey list', async () => {
    const { calls, pinia, router } = setup((m, url) => {
      if (url.pathname === '/api/v1/notifications' && m === 'GET') return { body: { items: [summary], total: 1, limit: 20, offset: 0 } }
      if (url.pathname === '/api/v1/notifications/10/read') return { body: { ...summary, read_at: '2026-12-02T00:00:00Z' } }
      return undefined
    })
    router.push('/notifications')
    await router.isReady()
    const w = mount(NotificationsView, { global: { plugins: [router, pinia, i18n, ElementPlus] }, attachTo: document.body })
    await flushPromises()
    const rows = w.findAll('[data-test=notification]')
    expect(rows.length).toBe(1)
    expect(rows[0].text()).toContain('5 處設施尚未送出 2026 年度調查表')
    await rows[0].trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/notifications/10/read')).toBe(true)
    expect(router.currentRoute.value.path).toBe('/surveys')
  })
})
