import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import { defineComponent, h } from 'vue'
import { i18n } from '../src/i18n'
import { useAuth } from '../src/stores/auth'
import { authorityCompletion, currentRound, daysUntil, deadlineTone, stateTotals, todayIn } from '../src/lib/surveyDashboard'
import type { CompletionRow, SurveyRound } from '../src/api/survey'
import { fakeServer, session, type Handler } from './helpers'

// ECharts draws on a canvas jsdom does not have: a stand-in that shows the option's data.
vi.mock('../src/lib/echarts', () => ({
  VChart: defineComponent({
    props: { option: { type: Object, required: true } },
    setup: (p) => () => h('div', { class: 'chart-stub', 'data-values': JSON.stringify((p.option as { series: { data: { value: number }[] }[] }).series[0].data.map((d) => d.value)) }),
  }),
}))
const { default: DashboardSurveys } = await import('../src/components/DashboardSurveys.vue')

const round = (year: number, opens_on: string, deadline: string): SurveyRound => ({ id: year, year, title: `${year} 年度盤點`, opens_on, deadline, version: 1 })
const rows: CompletionRow[] = [
  { authority: 3, authority_code: 'MOEA-EA', sector: 'energy', facilities: 10, submitted: 4, by_state: { not_started: 5, draft: 1, submitted: 2, accepted: 2 } },
  { authority: 3, authority_code: 'MOEA-EA', sector: 'water', facilities: 10, submitted: 6, by_state: { not_started: 4, submitted: 6 } },
  { authority: 4, authority_code: 'MOTC', sector: 'transport', facilities: 5, submitted: 5, by_state: { finalised: 5 } },
  { authority: null, authority_code: '', sector: 'health', facilities: 1, submitted: 0, by_state: { not_started: 1 } },
]

describe('survey dashboard figures', () => {
  it('counts days in Asia/Taipei and colours the deadline', () => {
    // 2026-11-25 17:00 UTC is already 2026-11-26 in Taipei.
    expect(todayIn(new Date('2026-11-25T17:00:00Z'))).toBe('2026-11-26')
    expect(todayIn(new Date('2026-11-25T15:00:00Z'))).toBe('2026-11-25')
    expect(daysUntil('2026-12-31', '2026-11-25')).toBe(36)
    expect(daysUntil('2026-11-25', '2026-11-25')).toBe(0)
    expect(daysUntil('2026-11-20', '2026-11-25')).toBe(-5)
    expect(deadlineTone(36)).toBe('ok')
    expect(deadlineTone(14)).toBe('ok')
    expect(deadlineTone(13)).toBe('soon')
    expect(deadlineTone(0)).toBe('soon')
    expect(deadlineTone(-1)).toBe('overdue')
  })
  it('picks the newest open round, else the first to open', () => {
    const rs = [round(2025, '2025-01-01', '2025-06-30'), round(2026, '2026-01-01', '2026-12-31'), round(2027, '2027-01-01', '2027-06-30')]
    expect(currentRound(rs, '2026-11-25')?.year).toBe(2026)
    expect(currentRound([rs[2]], '2026-11-25')?.year).toBe(2027)
    expect(currentRound([], '2026-11-25')).toBeUndefined()
  })
  it('sums the states and the completion per authority, the largest first', () => {
    const s = stateTotals(rows)
    expect(s).toMatchObject({ not_started: 10, draft: 1, submitted: 8, accepted: 2, finalised: 5, returned: 0, proposed: 0, under_review: 0 })
    const a = authorityCompletion(rows, 2)
    expect(a).toEqual([
      { authority: 3, code: 'MOEA-EA', facilities: 20, submitted: 10, percent: 50 },
      { authority: 4, code: 'MOTC', facilities: 5, submitted: 5, percent: 100 },
    ])
    expect(authorityCompletion(rows)).toHaveLength(3)
  })
})

const today = todayIn()
const inDays = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

async function mountCards(perms: string[], handler: Handler, over: Parameters<typeof session>[1] = {}) {
  const calls = fakeServer(handler)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
  router.push('/')
  await router.isReady()
  const pinia = createPinia()
  setActivePinia(pinia)
  useAuth().apply(session(perms, over))
  const w = mount(DashboardSurveys, { global: { plugins: [router, pinia, i18n, ElementPlus] } })
  await flushPromises()
  await flushPromises()
  return { w, calls }
}

function server(opts: { deadline?: string; completion?: number; overdue?: number; rounds?: number } = {}): Handler {
  const r = round(2026, '2026-01-01', opts.deadline ?? inDays(10))
  return (m, u) => {
    if (u.pathname === '/api/v1/survey-rounds') return opts.rounds ? { status: opts.rounds, body: { title: 'x', detail: 'no' } } : { body: { items: [r], total: 1 } }
    if (u.pathname === '/api/v1/survey-rounds/2026/completion')
      return opts.completion ? { status: opts.completion, body: { title: 'Forbidden', detail: 'no' } } : { body: { round: r, facilities: 26, submitted: 15, rows } }
    if (u.pathname === '/api/v1/survey-rounds/2026/overdue')
      return opts.overdue ? { status: opts.overdue, body: { title: 'x', detail: 'database unavailable' } } : { body: { items: [], total: 11, limit: 5, offset: 0, deadline: r.deadline, past_deadline: r.deadline < today } }
    if (u.pathname === '/api/v1/survey-rounds/2026/surveys')
      return { body: { items: [{ id: 41, state: 'returned', version: 2, facility: { id: 7, code: 'TPC-P-001', name: '協和電廠', name_en: 'Hsieh-ho Power Plant' } }], total: 3, limit: 8, offset: 0 } }
    return undefined
  }
}

beforeEach(() => {
  i18n.global.locale.value = 'en'
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('DashboardSurveys', () => {
  it('shows the round, days to a close deadline in colour, states, authorities and the overdue link (OHS)', async () => {
    const { w, calls } = await mountCards(['registry.read', 'survey.review', 'grade.finalise'], server())
    const card = w.find('[data-test=dash-round]')
    expect(card.attributes('data-tone')).toBe('soon')
    expect(w.find('[data-test=dash-deadline]').text()).toBe(inDays(10))
    expect(w.find('[data-test=dash-days]').text()).toBe('10 days to the deadline')
    expect(w.find('[data-test=dash-submitted]').text()).toBe('15 of 26 facilities submitted')
    expect(w.find('[data-test=dash-overdue]').text()).toContain('11 facilities not submitted yet')
    expect(w.find('[data-test=dash-overdue-link]').attributes('href')).toBe('/completion')
    expect(JSON.parse(w.find('.chart-stub').attributes('data-values')!)).toEqual([1, 8, 0, 2, 0, 0, 5])
    expect(w.find('[data-test=dash-not-started]').text()).toBe('Not started: 10 facilities')
    expect(w.find('[data-test=dash-authority-MOEA-EA]').text()).toContain('50%')
    expect(w.find('[data-test=dash-authority-MOEA-EA]').text()).toContain('10/20')
    expect(w.find('[data-test=dash-completion-link]').text()).toContain('All 3')
    expect(w.find('[data-test=dash-my-surveys]').exists()).toBe(false)
    expect(calls.some((c) => c.url.includes('/surveys?'))).toBe(false)
    i18n.global.locale.value = 'zh-TW'
    await flushPromises()
    expect(w.find('[data-test=dash-days]').text()).toBe('距截止日 10 天')
  })
  it('marks a passed deadline and says overdue', async () => {
    const { w } = await mountCards(['registry.read', 'survey.review'], server({ deadline: inDays(-3) }))
    expect(w.find('[data-test=dash-round]').attributes('data-tone')).toBe('overdue')
    expect(w.find('[data-test=dash-days]').text()).toBe('3 days past the deadline')
    expect(w.find('[data-test=dash-overdue]').text()).toContain('11 facilities overdue')
  })
  it("shows a provider its own surveys with links to edit, and no authority table", async () => {
    const { w } = await mountCards(['registry.read', 'survey.edit'], server({ deadline: inDays(40) }), { org_type: 'provider', org_code: 'TPC' })
    expect(w.find('[data-test=dash-round]').attributes('data-tone')).toBe('ok')
    expect(w.find('[data-test=dash-authorities]').exists()).toBe(false)
    expect(w.find('[data-test=dash-survey-TPC-P-001]').attributes('href')).toBe('/surveys/41')
    expect(w.find('[data-test=dash-my-surveys]').text()).toContain('Returned')
    expect(w.find('[data-test=dash-my-surveys]').text()).toContain('and 2 more')
    expect(w.find('[data-test=dash-overdue-link]').attributes('href')).toBe('/surveys')
  })
  it('hides the cards whose endpoint answers 403 and shows other errors in their card', async () => {
    const { w } = await mountCards(['registry.read'], server({ completion: 403, overdue: 500 }))
    expect(w.find('[data-test=dash-round]').exists()).toBe(true)
    expect(w.find('[data-test=dash-states]').exists()).toBe(false)
    expect(w.find('[data-test=dash-authorities]').exists()).toBe(false)
    expect(w.find('[data-test=dash-overdue]').text()).toContain('database unavailable')
    const none = await mountCards([], server({ rounds: 403 }))
    expect(none.w.find('[data-test=dash-surveys]').exists()).toBe(false)
  })
  it('says when no round is open', async () => {
    const { w } = await mountCards(['registry.read', 'grade.finalise'], (m, u) => (u.pathname === '/api/v1/survey-rounds' ? { body: { items: [], total: 0 } } : undefined))
    expect(w.find('[data-test=dash-no-round]').text()).toContain('No survey round is open yet.')
  })
})
