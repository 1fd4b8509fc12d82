import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import App from '../src/App.vue'
import { i18n } from '../src/i18n'
import { installAuthGuards } from '../src/router'
import { fakeServer, session } from './helpers'

const Stub = { template: '<div data-test="page"/>' }
async function mountApp(perms: string[] | null, over = {}) {
  fakeServer((_m, url) => {
    if (url.pathname === '/api/v1/auth/me') return perms ? { body: session(perms, over) } : { status: 401, body: { title: 'Unauthorized' } }
    if (url.pathname === '/api/v1/taxonomy') return { body: { sectors: [], subsectors: [], facility_types: [], resources: [], threats: [], counties: [] } }
    return undefined
  })
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: Stub, meta: { public: true } },
      { path: '/', name: 'dashboard', component: Stub },
      { path: '/simulation', name: 'simulation', component: Stub, meta: { permission: 'analysis.run' } },
      { path: '/:p(.*)*', component: Stub },
    ],
  })
  installAuthGuards(router, pinia)
  router.push('/')
  await router.isReady()
  const w = mount(App, { global: { plugins: [router, pinia, i18n, ElementPlus] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

beforeEach(() => {
  i18n.global.locale.value = 'zh-TW'
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('the shell and its user slot', () => {
  it('shows the name, the translated role, the organisation and the clearance', async () => {
    const { w } = await mountApp(['registry.read', 'analysis.run'])
    expect(w.find('[data-test=user-name]').text()).toBe('國土安全辦公室 OHS officer')
    expect(w.find('[data-test=user-role]').text()).toBe('國土安全辦公室承辦人')
    expect(w.find('[data-test=user-org]').text()).toBe('OHS')
    expect(w.find('[data-test=user-clearance]').text()).toBe('絕對機密')
    expect(w.find('[data-test=nav-simulation]').exists()).toBe(true)
    i18n.global.locale.value = 'en'
    await flushPromises()
    expect(w.find('[data-test=user-role]').text()).toBe('OHS officer')
  })

  it('offers the simulation page only with analysis.run', async () => {
    const { w } = await mountApp(['registry.read'], { role: 'provider_viewer', org_code: 'TPC', clearance: 'general', clearance_zh: '一般' })
    expect(w.find('[data-test=user-role]').text()).toBe('設施提供者（檢視）')
    expect(w.find('[data-test=user-org]').text()).toBe('TPC')
    expect(w.find('[data-test=nav-facilities]').exists()).toBe(true)
    expect(w.find('[data-test=nav-simulation]').exists()).toBe(false)
  })

  it('shows neither navigation nor user slot before signing in', async () => {
    const { w, router } = await mountApp(null)
    expect(router.currentRoute.value.name).toBe('login')
    expect(w.find('[data-test=nav-facilities]').exists()).toBe(false)
    expect(w.find('[data-test=user-menu]').exists()).toBe(false)
  })
})
