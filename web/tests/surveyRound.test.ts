import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '../src/i18n'
import RoundSelect from '../src/components/RoundSelect.vue'
import { loadRounds, refreshRounds, useRounds } from '../src/lib/surveyRound'
import type { SurveyRound } from '../src/api/survey'
import { fakeServer } from './helpers'

const round = (year: number): SurveyRound => ({ id: year, year, title: `${year} 年度盤點`, opens_on: `${year}-01-01`, deadline: `${year}-06-30`, version: 1 })
const serve = (years: number[]) =>
  fakeServer((_m, u) => (u.pathname === '/api/v1/survey-rounds' ? { body: { items: years.map(round), total: years.length } } : undefined))

beforeEach(() => {
  i18n.global.locale.value = 'en'
  useRounds().year.value = 0
  useRounds().rounds.value = []
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('the survey round choice shared by the survey pages', () => {
  it('lists the rounds newest first and picks the latest', async () => {
    serve([2024, 2026, 2025])
    expect((await loadRounds()).map((r) => r.year)).toEqual([2026, 2025, 2024])
    expect(useRounds().year.value).toBe(2026)
  })

  it("keeps the user's pick while that round exists, and falls back to the latest when it is gone", async () => {
    serve([2025, 2026])
    await loadRounds()
    useRounds().year.value = 2025
    await loadRounds()
    expect(useRounds().year.value).toBe(2025)
    vi.unstubAllGlobals()
    serve([2026, 2027])
    await loadRounds()
    expect(useRounds().year.value).toBe(2027)
  })

  it('with no round chooses none, and a failure is a message for the page', async () => {
    serve([])
    expect(await refreshRounds()).toBe('')
    expect(useRounds().year.value).toBe(0)
    vi.unstubAllGlobals()
    fakeServer(() => ({ status: 500, body: { title: 'Internal Server Error', detail: 'database unavailable' } }))
    expect(await refreshRounds()).not.toBe('')
  })

  it('RoundSelect shows every round with its title under a label, and a pick is seen by every page', async () => {
    serve([2025, 2026])
    await loadRounds()
    const a = mount(RoundSelect, { global: { plugins: [i18n, ElementPlus] }, attachTo: document.body })
    const b = mount(RoundSelect, { global: { plugins: [i18n, ElementPlus] }, attachTo: document.body })
    await flushPromises()
    expect(a.find('label').text()).toContain(i18n.global.t('survey.roundLabel'))
    expect(a.find('[data-test=round]').exists()).toBe(true)
    expect(a.find('input').attributes('aria-label')).toBe(i18n.global.t('survey.roundLabel'))
    expect(a.text()).toContain('2026 年度盤點')
    expect(a.text()).not.toContain('2026 2026')
    useRounds().year.value = 2025
    await flushPromises()
    expect(b.text()).toContain('2025 年度盤點')
    expect(b.text()).not.toContain('2026 年度盤點')
  })
})
