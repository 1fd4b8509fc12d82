import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import SurveyFormView from '../src/views/SurveyFormView.vue'
import SurveyReviewView from '../src/views/SurveyReviewView.vue'
import NationalCiView from '../src/views/NationalCiView.vue'
import CompletionView from '../src/views/CompletionView.vue'
import SurveyTabs from '../src/components/SurveyTabs.vue'
import { i18n } from '../src/i18n'
import { useAuth } from '../src/stores/auth'
import { errorKey, surveyFieldErrors } from '../src/lib/surveyErrors'
import { isCiiAsset, sectionBody, toSurveyForm } from '../src/lib/surveyForm'
import { engineRankText } from '../src/lib/engineRank'
import type { Survey } from '../src/api/survey'
import { fakeServer, signedInAs, type Handler } from './helpers'

const crit = () => ({ score: null, evidence: '' })
function survey(over: Partial<Survey> = {}): Survey {
  return {
    id: 5, year: 2026, round_id: 1, state: 'draft', version: 3,
    facility: { id: 7, code: 'TPC-P-001', name: '協和電廠', name_en: 'Hsieh-ho Power Plant', sector: 'energy', subsector: 'electricity', type: 'power_plant', grade: null, cii: false },
    core_functions: [],
    external_resources: [{ id: 11, resource: 'electricity', suppliers: [9, 10], supplier_codes: ['SUB-9', 'SUB-10'], min_up: 1, backup_hours: 4, backup_plan: '', version: 1 }],
    unmatched_suppliers: [],
    assets: [],
    self_assessment: { population: crit(), government: { ...crit(), categories: [] }, economic: crit(), morale: crit() },
    holds_cii: false, return_comment: '', proposal: null, submitted_at: null, final_grade: null, finalised_at: null,
    review_opinions: [], history: [], created_at: '2026-11-25T00:00:00Z', updated_at: '2026-11-25T00:00:00Z',
    ...over,
  }
}
const engine = { rank: 12, ranked: 3000, type_rank: 2, type_ranked: 40, population_hours: 5e6, facilities_down: 30, economic_loss: 1e9, engine_score: 5, self_score: 2, disagrees: true }
const taxonomy = { sectors: [], subsectors: [], facility_types: [], resources: [{ code: 'electricity', name: '電力', name_en: 'Electricity', active: true }], threats: [], counties: [] }

async function mountAt(path: string, component: unknown, routePath: string, perms: string[], handler: Handler) {
  const calls = fakeServer((m, u, b, h) => (u.pathname === '/api/v1/taxonomy' ? { body: taxonomy } : handler(m, u, b, h)))
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: routePath, component: component as never }, { path: '/:p(.*)*', component: { template: '<div/>' } }] })
  router.push(path)
  await router.isReady()
  const pinia = createPinia()
  setActivePinia(pinia)
  signedInAs(useAuth(), perms)
  const w = mount({ template: '<router-view />' }, { global: { plugins: [router, pinia, i18n, ElementPlus] }, attachTo: document.body })
  await flushPromises()
  return { w, calls }
}
const settle = async () => {
  await flushPromises()
  await new Promise((r) => setTimeout(r, 150)) // Element Plus shows field errors after a 100 ms debounce
}

beforeEach(() => {
  i18n.global.locale.value = 'en'
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('survey error messages', () => {
  const t = (k: string) => String(i18n.global.t(k))
  it('translates by code and keeps the detail of problems without a known code', () => {
    i18n.global.locale.value = 'zh-TW'
    const out = surveyFieldErrors(
      {
        errors: [
          { pointer: '/core_functions', detail: 'list at least one core function', code: 'survey.core_function_missing' },
          { pointer: '/x', detail: 'something new' },
          { pointer: '/y', detail: 'a future rule', code: 'survey.some_future_rule' },
          // The English wording no longer matters: the code decides.
          { pointer: '/population/score', detail: 'reworded by the server', code: 'survey.score_required' },
        ],
      },
      t,
    )
    expect(out['/core_functions']).toBe('請至少列出一項核心功能')
    expect(out['/x']).toBe('something new')
    expect(out['/y']).toBe('a future rule')
    expect(out['/population/score']).toBe('請選擇 1 至 5 分')
    // Without a code the English text is not guessed at any more.
    expect(surveyFieldErrors({ errors: [{ pointer: '/a', detail: 'a score from 1 to 5 is required' }] }, t)['/a']).toBe('a score from 1 to 5 is required')
    expect(surveyFieldErrors({ errors: [{ pointer: '/population/score', detail: 'x', code: 'survey.score_required' }] }, t, '/self_assessment')).toHaveProperty('/self_assessment/population/score')
  })
  it('has a message in both languages for every code the server sends (docs/survey.md)', () => {
    const codes = [
      'survey.required', 'survey.core_function_missing', 'survey.mtpd_required', 'survey.continuity_required',
      'survey.assets_missing', 'survey.backup_plan_required', 'survey.max_backup_required',
      'survey.stops_core_function_required', 'survey.replaceable_required', 'survey.score_required',
      'survey.score_range', 'survey.evidence_required', 'survey.categories_required', 'survey.category_unknown',
      'survey.category_duplicate', 'survey.supplier_unknown', 'survey.supplier_invalid', 'survey.supplier_name_required',
      'survey.grade_invalid', 'survey.reasons_required', 'survey.rank_invalid', 'survey.rank_beyond',
      'survey.consultation_required', 'survey.date_invalid', 'survey.summary_required', 'survey.hours_invalid',
      'survey.too_long', 'survey.duplicate', 'survey.opinion_required', 'survey.missing_reason_required',
      'survey.comment_required', 'survey.round_year_invalid', 'survey.deadline_before_opening',
      'registry.required', 'registry.too_long', 'registry.hours_invalid', 'registry.resource_unknown',
      'registry.supplier_required', 'registry.supplier_duplicate', 'registry.self_supply',
      'registry.min_up_invalid', 'registry.min_up_exceeds',
    ]
    for (const c of codes) {
      const key = errorKey(c)
      expect(key, c).toBeTruthy()
      for (const l of ['zh-TW', 'en'] as const) {
        i18n.global.locale.value = l
        expect(i18n.global.te(`survey.err.${key}`), `${c} in ${l}`).toBe(true)
      }
    }
    expect(errorKey('survey.backup_plan_required')).toBe('backupPlan')
    expect(errorKey(undefined)).toBeUndefined()
  })
})

describe('survey form model', () => {
  it('applies the CII rule and sends numbers and nulls', () => {
    expect(isCiiAsset({ class: 'ict', stops_core_function: true, replaceable: false })).toBe(true)
    expect(isCiiAsset({ class: 'ict', stops_core_function: true, replaceable: null })).toBe(false)
    expect(isCiiAsset({ class: 'physical', stops_core_function: true, replaceable: false })).toBe(false)
    const f = toSurveyForm(survey())
    f.core_functions.push({ name: 'a', description: '', mtpd_hours: '12', continuity: 'c' })
    f.assets.push({ class: 'physical', name: 'n', description: '', backup_plan: 'p', max_backup_hours: '', stops_core_function: true, replaceable: false })
    expect(sectionBody(f, 'core_functions')).toEqual({ core_functions: [{ name: 'a', description: '', mtpd_hours: 12, continuity: 'c' }] })
    expect(sectionBody(f, 'assets')).toEqual({ assets: [{ class: 'physical', name: 'n', description: '', backup_plan: 'p', max_backup_hours: null, stops_core_function: null, replaceable: null }] })
    expect(sectionBody(f, 'external')).toEqual({ external_resources: [{ id: 11, resource: 'electricity', suppliers: [9, 10], min_up: 1, backup_hours: 4, backup_plan: '' }], unmatched_suppliers: [] })
  })
})

describe("the engine's rank on the survey pages", () => {
  it('reads "rank / ranked" for a facility whose failure reaches others, else "no knock-on impact"', () => {
    const t = i18n.global.t as (k: string) => string
    expect(engineRankText({ rank: 4, ranked: 3000, population_hours: 12960500, facilities_down: 13 }, t)).toBe('4 / 3000')
    expect(engineRankText({ rank: 11, ranked: 3000, population_hours: 0, facilities_down: 10 }, t)).toBe('11 / 3000')
    expect(engineRankText({ rank: 3000, ranked: 3000, population_hours: 0, facilities_down: 0 }, t)).toBe('No knock-on impact')
    expect(engineRankText({ rank: 0, ranked: 0, population_hours: 0, facilities_down: 0 }, t)).toBe('—')
    i18n.global.locale.value = 'zh-TW'
    expect(engineRankText({ rank: 3000, ranked: 3000, population_hours: 0, facilities_down: 0 }, t)).toBe('無連鎖影響')
  })
})

describe('SurveyFormView', () => {
  const problem = {
    status: 422, title: 'Unprocessable Content', detail: 'the survey is not complete; nothing was submitted (3 problems)',
    errors: [
      { pointer: '/core_functions', detail: 'list at least one core function', code: 'survey.core_function_missing' },
      { pointer: '/external_resources/0/backup_plan', detail: "the backup plan when this resource fails is required (write 'none' if there is none)", code: 'survey.backup_plan_required' },
      { pointer: '/self_assessment/morale/evidence', detail: 'the evidence for the score is required', code: 'survey.evidence_required' },
    ],
  }

  it('shows every problem of a refused submission beside its field, in English and in zh-TW', async () => {
    const { w, calls } = await mountAt('/surveys/5', SurveyFormView, '/surveys/:id', ['registry.read', 'survey.edit'], (m, u) => {
      if (u.pathname === '/api/v1/surveys/5' && m === 'GET') return { body: survey(), headers: { ETag: '"3"' } }
      if (u.pathname === '/api/v1/surveys/5/submit') return { status: 422, body: problem }
      return undefined
    })
    await w.find('[data-test=submit]').trigger('click')
    await settle()
    const submit = calls.find((c) => c.url === '/api/v1/surveys/5/submit')!
    expect(submit.headers['If-Match']).toBe('"3"')
    expect(w.find('[data-test=problems]').text()).toContain('3 problem(s)')
    expect(w.find('[data-test=err-core_functions]').text()).toBe('List at least one core function')
    const plan = document.querySelector('[data-ptr="/external_resources/0/backup_plan"] .el-form-item__error')
    expect(plan?.textContent).toContain('The backup plan is required')
    const ev = document.querySelector('[data-ptr="/self_assessment/morale/evidence"] .el-form-item__error')
    expect(ev?.textContent).toContain('The evidence for the score is required')
    i18n.global.locale.value = 'zh-TW'
    await w.find('[data-test=submit]').trigger('click')
    await settle()
    expect(w.find('[data-test=err-core_functions]').text()).toBe('請至少列出一項核心功能')
  })

  it('saves one section with If-Match and the CSRF token, and shows the CII flag', async () => {
    let version = 3
    const { w, calls } = await mountAt('/surveys/5', SurveyFormView, '/surveys/:id', ['registry.read', 'survey.edit'], (m, u, b) => {
      if (u.pathname === '/api/v1/surveys/5' && m === 'GET') return { body: survey() }
      if (u.pathname === '/api/v1/surveys/5/assets' && m === 'PUT') {
        version++
        const assets = (b as { assets: Survey['assets'] }).assets.map((a) => ({ ...a, core_function: null, cii: isCiiAsset(a) }))
        return { body: survey({ version, assets, holds_cii: assets.some((a) => a.cii) }), headers: { ETag: `"${version}"` } }
      }
      return undefined
    })
    await w.find('[data-test=add-asset-ict]').trigger('click')
    await w.find('input[data-test=asset-0-name]').setValue('SCADA')
    const stops = w.findAll('[data-test=asset-0-stops] input')
    await stops[0].setValue(true) // yes
    const repl = w.findAll('[data-test=asset-0-replaceable] input')
    await repl[1].setValue(true) // no
    await flushPromises()
    expect(w.find('[data-test=asset-0-cii]').exists()).toBe(true)
    await w.find('[data-test=save-assets]').trigger('click')
    await flushPromises()
    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.url).toBe('/api/v1/surveys/5/assets')
    expect(put.headers['If-Match']).toBe('"3"')
    expect(put.headers['X-CSRF-Token']).toBe('csrf-test')
    expect(put.body).toEqual({ assets: [{ class: 'ict', name: 'SCADA', description: '', backup_plan: '', max_backup_hours: null, stops_core_function: true, replaceable: false }] })
    expect(w.find('[data-test=holds-cii]').exists()).toBe(true)
    expect(w.find('[data-test=notice]').text()).toContain('Internal essential assets')
  })

  it('is read-only without survey.edit and once submitted', async () => {
    let s = survey()
    const handler: Handler = (m, u) => (u.pathname === '/api/v1/surveys/5' ? { body: s } : undefined)
    let { w } = await mountAt('/surveys/5', SurveyFormView, '/surveys/:id', ['registry.read', 'survey.review'], handler)
    expect(w.find('[data-test=read-only]').exists()).toBe(true)
    expect(w.find('[data-test=submit]').exists()).toBe(false)
    expect(w.find('[data-test=save-core_functions]').exists()).toBe(false)
    w.unmount()
    s = survey({ state: 'submitted' })
    ;({ w } = await mountAt('/surveys/5', SurveyFormView, '/surveys/:id', ['registry.read', 'survey.edit'], handler))
    expect(w.find('[data-test=submit]').exists()).toBe(false)
    expect(w.find('[data-test=read-only]').text()).toContain('Submitted')
    // Read-only or not, the survey can be downloaded as the classification-marked PDF.
    expect(w.find('[data-test=survey-pdf]').attributes('href')).toBe('/api/v1/surveys/5/export.pdf')
    expect(w.find('[data-test=survey-pdf]').text()).toContain('Download PDF')
  })
})

describe('SurveyReviewView', () => {
  const base = (s: Survey, extra: Handler = () => undefined): Handler => (m, u, b, h) => {
    if (u.pathname === '/api/v1/surveys/5' && m === 'GET') return { body: s }
    if (u.pathname === '/api/v1/surveys/5/decision-support') return { body: engine }
    if (u.pathname === '/api/v1/surveys/5/changes') return { body: { changes: [{ op: 'replace', path: '/self_assessment/population/score', value: 4 }] } }
    return extra(m, u, b, h)
  }

  it('shows the decision support and the changes, and accepts', async () => {
    const { w, calls } = await mountAt('/review/5', SurveyReviewView, '/review/:id', ['registry.read', 'survey.review'], base(survey({ state: 'submitted' }), (m, u) => (u.pathname === '/api/v1/surveys/5/accept' ? { body: survey({ state: 'accepted', version: 4 }) } : undefined)))
    expect(w.find('[data-test=ds-rank]').text()).toBe('12 / 3000')
    expect(w.find('[data-test=ds-type-rank]').text()).toBe('2 / 40')
    expect(w.find('[data-test=ds-disagrees]').exists()).toBe(true)
    expect(w.find('[data-test=changes]').text()).toContain('/self_assessment/population/score')
    expect(w.find('[data-test=finalise-form]').exists()).toBe(false)
    expect(w.find('[data-test=propose-form]').exists()).toBe(false)
    await w.find('[data-test=accept]').trigger('click')
    await flushPromises()
    const post = calls.find((c) => c.url === '/api/v1/surveys/5/accept')!
    expect(post.headers['If-Match']).toBe('"3"')
    expect(w.find('[data-test=state-tag]').attributes('data-state')).toBe('accepted')
    expect(w.find('[data-test=propose-form]').exists()).toBe(true)
  })

  it('asks for a comment before returning', async () => {
    const { w, calls } = await mountAt('/review/5', SurveyReviewView, '/review/:id', ['registry.read', 'survey.review'], base(survey({ state: 'submitted' })))
    await w.find('[data-test=return]').trigger('click')
    await settle()
    expect(calls.some((c) => c.url.endsWith('/return'))).toBe(false)
    expect(w.find('[data-test=decide] .el-form-item__error').text()).toContain('Say why')
  })

  it("prefills the proposal's rank from the engine and shows the 422 beside the fields", async () => {
    const { w, calls } = await mountAt('/review/5', SurveyReviewView, '/review/:id', ['registry.read', 'survey.review'], base(survey({ state: 'accepted' }), (m, u) =>
      u.pathname === '/api/v1/surveys/5/propose' ? { status: 422, body: { title: 'Unprocessable', errors: [{ pointer: '/reasons', detail: 'the reasons for the grade are required', code: 'survey.reasons_required' }, { pointer: '/consultations/0/held_on', detail: 'must be a date YYYY-MM-DD', code: 'survey.date_invalid' }] } } : undefined,
    ))
    expect((w.find('#proposal-rank').element as HTMLInputElement).value).toBe('2')
    expect((w.find('#proposal-rank-of').element as HTMLInputElement).value).toBe('40')
    await w.find('[data-test=propose]').trigger('click')
    await w.find('[data-test=propose-form] form').trigger('submit')
    await settle()
    const post = calls.find((c) => c.url === '/api/v1/surveys/5/propose')!
    expect(post.body).toMatchObject({ rank: 2, rank_of: 40 })
    expect(document.querySelector('[data-ptr="/reasons"] .el-form-item__error')?.textContent).toContain('The reasons for the grade are required')
    expect(document.querySelector('[data-ptr="/consultations/0/held_on"] .el-form-item__error')?.textContent).toContain('YYYY-MM-DD')
  })

  it('offers finalising only to grade.finalise on a survey under review', async () => {
    const s = survey({ state: 'under_review', proposal: { grade: 2, reasons: 'r', rank: 2, rank_of: 40, consultations: [] } })
    let { w } = await mountAt('/review/5', SurveyReviewView, '/review/:id', ['registry.read', 'survey.review'], base(s))
    expect(w.find('[data-test=opinion-form]').exists()).toBe(true)
    expect(w.find('[data-test=finalise-form]').exists()).toBe(false)
    w.unmount()
    let calls
    ;({ w, calls } = await mountAt('/review/5', SurveyReviewView, '/review/:id', ['registry.read', 'survey.review', 'grade.finalise'], base(s, (m, u) => (u.pathname === '/api/v1/surveys/5/finalise' ? { body: { ...s, state: 'finalised', final_grade: 2 } } : undefined))))
    await w.find('[data-test=finalise-form] form').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.url === '/api/v1/surveys/5/finalise')!.body).toEqual({ grade: 2, reasons: '' })
    expect(w.find('[data-test=final-grade]').text()).toBe('Grade 2')
  })
})

describe('the survey pages by permission', () => {
  it('offers the tabs the user may open', async () => {
    let { w } = await mountAt('/x', SurveyTabs, '/x', ['registry.read', 'survey.edit'], () => undefined)
    expect(w.find('[data-test=tab-surveys]').exists()).toBe(true)
    expect(w.find('[data-test=tab-review]').exists()).toBe(false)
    expect(w.find('[data-test=tab-national-ci]').exists()).toBe(true)
    w.unmount()
    ;({ w } = await mountAt('/x', SurveyTabs, '/x', ['registry.read', 'survey.review'], () => undefined))
    expect(w.find('[data-test=tab-surveys]').exists()).toBe(false)
    expect(w.find('[data-test=tab-review]').exists()).toBe(true)
    expect(w.find('[data-test=tab-joint-review]').exists()).toBe(true)
  })

  it('offers the grading list as XLSX and PDF to reviewers, and neither to others', async () => {
    const handler: Handler = (_m, u) => {
      if (u.pathname === '/api/v1/survey-rounds') return { body: { items: [{ id: 1, year: 2026, title: '2026 年度盤點', opens_on: '2026-01-01', deadline: '2026-12-31', version: 1 }], total: 1 } }
      if (u.pathname === '/api/v1/survey-rounds/2026/completion')
        return {
          body: {
            round: { year: 2026, deadline: '2026-12-31' }, facilities: 3, submitted: 1,
            rows: [
              { authority: 9, authority_code: 'MOTC', sector: 'transport', facilities: 1, submitted: 0, by_state: { not_started: 1 } },
              { authority: 3, authority_code: 'MODA', sector: 'ict', facilities: 2, submitted: 1, by_state: { not_started: 1, submitted: 1 } },
            ],
          },
        }
      return undefined
    }
    let { w } = await mountAt('/completion', CompletionView, '/completion', ['registry.read', 'survey.review'], handler)
    expect(w.find('[data-test=xlsx]').attributes('href')).toBe('/api/v1/survey-rounds/2026/grading-list.xlsx')
    expect(w.find('[data-test=pdf]').attributes('href')).toBe('/api/v1/survey-rounds/2026/grading-list.pdf')
    expect(w.find('[data-test=pdf]').text()).toContain('Grading list (PDF)')
    // The board lists by competent authority, whatever order the server sent.
    expect(w.findAll('[data-test=completion] .el-table__row').map((r) => r.find('td').text())).toEqual(['MODA', 'MOTC'])
    w.unmount()
    ;({ w } = await mountAt('/completion', CompletionView, '/completion', ['registry.read'], handler))
    expect(w.find('[data-test=xlsx]').exists()).toBe(false)
    expect(w.find('[data-test=pdf]').exists()).toBe(false)
  })

  it('lists the national CI database with grades', async () => {
    const { w, calls } = await mountAt('/national-ci', NationalCiView, '/national-ci', ['registry.read'], (_m, u) =>
      u.pathname === '/api/v1/national-ci' ? { body: { items: [{ ...survey().facility, grade: 1, grade_version: 2, decided_at: '2026-11-25T00:00:00Z', year: 2026 }], total: 1, limit: 50, offset: 0 } } : undefined,
    )
    expect(calls[calls.length - 1].url).toContain('/api/v1/national-ci')
    expect(w.find('[data-test="national-grade-TPC-P-001"]').text()).toBe('Grade 1')
  })
})
