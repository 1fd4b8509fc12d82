import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'
import ElementPlus from 'element-plus'
import FacilityView from '../src/views/FacilityView.vue'
import { i18n } from '../src/i18n'
import { useAuth } from '../src/stores/auth'
import { facility, fakeServer, signedInAs } from './helpers'

const taxonomy = {
  sectors: [{ code: 'energy', name: '能源', name_en: 'Energy', active: true }],
  subsectors: [{ code: 'electricity', name: '電力', name_en: 'Electricity', active: true, parent: 'energy' }],
  facility_types: [], resources: [{ code: 'electricity', name: '電力', name_en: 'Electricity', active: true }], threats: [],
  counties: [{ code: '10017', abbrev: 'KEE', name: '基隆市', name_en: 'Keelung City', population: 1, lat: 25, lon: 121 }],
}
const empty = { items: [], total: 0, limit: 1000, offset: 0 }

async function mountAt(path: string, perms: string[] | null = ['registry.read', 'registry.write', 'analysis.run']) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/facilities/:key', component: FacilityView }, { path: '/:p(.*)*', component: { template: '<div/>' } }] })
  router.push(path)
  await router.isReady()
  const pinia = createPinia()
  setActivePinia(pinia)
  if (perms) signedInAs(useAuth(), perms)
  const w = mount({ template: '<router-view />' }, { global: { plugins: [router, pinia, i18n, ElementPlus], stubs: { transition: false, 'transition-group': false } }, attachTo: document.body })
  await flushPromises()
  return w
}

type Answer = { status?: number; body?: unknown; headers?: Record<string, string> }
let current: typeof facility | undefined
let classify: (() => Answer) | undefined
function server(patch: () => Answer) {
  return fakeServer((method, url) => {
    const p = url.pathname
    if (p === '/api/v1/facilities/7' && method === 'GET') return { body: current ?? facility, headers: { ETag: '"4"' } }
    if (p === '/api/v1/facilities/7/classification' && method === 'PUT') return classify ? classify() : undefined
    if (p === '/api/v1/facilities/7' && method === 'PATCH') return patch()
    if (p === '/api/v1/facilities/7/dependencies')
      return { body: { ...empty, total: 1, items: [{ id: 1, consumer: 7, consumer_code: facility.code, resource: 'electricity', suppliers: [9], supplier_codes: ['SUB-9'], min_up: 1, backup_hours: 0, version: 1 }] } }
    if (p === '/api/v1/facilities/7/dependents') return { body: empty }
    if (p === '/api/v1/facilities/7/core-functions') return { body: empty }
    if (p === '/api/v1/taxonomy') return { body: taxonomy }
    if (p === '/api/v1/ranking') return { body: { items: [{ facility: 'OTHER' }, { facility: facility.code }] } }
    return undefined
  })
}

beforeEach(() => {
  i18n.global.locale.value = 'en'
})
afterEach(() => {
  current = undefined
  classify = undefined
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('FacilityView', () => {
  it('shows the facility, its upstream suppliers as links and its rank', async () => {
    server(() => ({ status: 500 }))
    const w = await mountAt('/facilities/7')
    expect(w.find('[data-test=facility-title]').text()).toContain('Hsieh-ho Power Plant')
    expect(w.find('[data-test=upstream]').html()).toContain('/facilities/9')
    expect(w.find('[data-test=rank]').text()).toBe('No. 2')
  })

  it("shows the API's problem+json errors beside the field", async () => {
    const calls = server(() => ({
      status: 422,
      body: { title: 'Unprocessable Content', status: 422, detail: 'the facility is not valid', errors: [{ pointer: '/name', detail: 'name is taken by TPC-P-002' }] },
    }))
    const w = await mountAt('/facilities/7')
    await w.find('[data-test=edit]').trigger('click')
    await w.find('#f-name').setValue('協和電廠二')
    await w.find('[data-test=edit-form]').trigger('submit')
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150)) // Element Plus shows field errors after a 100 ms debounce
    const patch = calls.find((c) => c.method === 'PATCH')!
    expect(patch.body).toEqual({ name: '協和電廠二' })
    expect(patch.headers['If-Match']).toBe('"4"')
    const item = w.find('#f-name').element.closest('.el-form-item')!
    expect(item.querySelector('.el-form-item__error')?.textContent).toContain('name is taken by TPC-P-002')
  })

  it('checks the form before sending and marks the field', async () => {
    const calls = server(() => ({ body: facility }))
    const w = await mountAt('/facilities/7')
    await w.find('[data-test=edit]').trigger('click')
    await w.find('#f-lat').setValue('95')
    await w.find('[data-test=edit-form]').trigger('submit')
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150)) // Element Plus shows field errors after a 100 ms debounce
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false)
    const item = w.find('#f-lat').element.closest('.el-form-item')!
    expect(item.querySelector('.el-form-item__error')?.textContent).toContain('between -90 and 90')
  })

  it('says "changed by someone else" on 412', async () => {
    server(() => ({ status: 412, body: { title: 'Precondition Failed', detail: 'facility 7 is at version 5, not 4' } }))
    const w = await mountAt('/facilities/7')
    await w.find('[data-test=edit]').trigger('click')
    await w.find('#f-address').setValue('新地址')
    await w.find('[data-test=edit-form]').trigger('submit')
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150)) // Element Plus shows field errors after a 100 ms debounce
    expect(w.find('[data-test=conflict]').text()).toContain('Someone else changed this facility')
  })

  it('offers editing, classifying and simulating only with the permissions for them', async () => {
    server(() => ({ status: 500 }))
    let w = await mountAt('/facilities/7', ['registry.read'])
    expect(w.find('[data-test=facility-title]').exists()).toBe(true)
    expect(w.find('[data-test=edit]').exists()).toBe(false)
    expect(w.find('[data-test=classify]').exists()).toBe(false)
    expect(w.find('[data-test=simulate]').exists()).toBe(false)
    w.unmount()
    w = await mountAt('/facilities/7', ['registry.read', 'registry.write', 'classify', 'analysis.run'])
    expect(w.find('[data-test=edit]').exists()).toBe(true)
    expect(w.find('[data-test=classify]').exists()).toBe(true)
    expect(w.find('[data-test=simulate]').exists()).toBe(true)
  })

  it('shows the classification marking as a banner', async () => {
    current = { ...facility, classification: { level: 'confidential', level_zh: '機密', reason: '國防相關', classified_by: 'ohs', classified_on: '2026-11-25', declassify_on: '2030-01-01', declassify_condition: '' } }
    server(() => ({ status: 500 }))
    const w = await mountAt('/facilities/7')
    const banner = w.find('[data-test=class-banner]')
    expect(banner.exists()).toBe(true)
    expect(banner.attributes('data-level')).toBe('confidential')
    expect(banner.text()).toContain('機密')
    expect(banner.text()).toContain('Confidential')
    expect(banner.text()).toContain('國防相關')
    expect(banner.text()).toContain('2030-01-01')
  })

  it('has no banner for a general facility', async () => {
    server(() => ({ status: 500 }))
    const w = await mountAt('/facilities/7')
    expect(w.find('[data-test=class-banner]').exists()).toBe(false)
  })

  it('classifies through the dialog: checks first, then PUT with If-Match and the CSRF token', async () => {
    classify = () => ({ body: { ...facility, version: 5, classification: { level: 'official', level_zh: '密', reason: 'r', classified_by: 'ohs', classified_on: '2026-11-25', declassify_on: null, declassify_condition: '' } }, headers: { ETag: '"5"' } })
    const calls = server(() => ({ status: 500 }))
    const w = await mountAt('/facilities/7', ['registry.read', 'classify'])
    await w.find('[data-test=classify]').trigger('click')
    await flushPromises()
    const dialog = () => document.querySelector('[data-test=class-dialog]') as HTMLElement
    ;(dialog().querySelector('[data-test=class-level-confidential] input') as HTMLInputElement).click()
    await flushPromises()
    ;(dialog().querySelector('[data-test=class-save]') as HTMLButtonElement).click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150))
    expect(calls.some((c) => c.method === 'PUT')).toBe(false)
    expect(dialog().querySelector('[data-test=field-class-reason] .el-form-item__error')?.textContent).toContain('reason')
    ;(dialog().querySelector('[data-test=class-level-official] input') as HTMLInputElement).click()
    const reason = dialog().querySelector('#class-reason') as HTMLTextAreaElement
    reason.value = 'r'
    reason.dispatchEvent(new Event('input'))
    await flushPromises()
    ;(dialog().querySelector('[data-test=class-save]') as HTMLButtonElement).click()
    await flushPromises()
    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.url).toBe('/api/v1/facilities/7/classification')
    expect(put.body).toEqual({ level: 'official', reason: 'r' })
    expect(put.headers['If-Match']).toBe('"4"')
    expect(put.headers['X-CSRF-Token']).toBe('csrf-test')
    expect(w.find('[data-test=class-banner]').attributes('data-level')).toBe('official')
  })
})
