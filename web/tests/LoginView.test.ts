import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import LoginView from '../src/views/LoginView.vue'
import { i18n } from '../src/i18n'
import { setCsrfToken } from '../src/api/client'
import { fakeServer, session, type Handler } from './helpers'

async function mountLogin(handler: Handler, path = '/login?redirect=/facilities') {
  fakeServer(handler)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: LoginView },
      { path: '/:p(.*)*', component: { template: '<div data-test="landed"/>' } },
    ],
  })
  router.push(path)
  await router.isReady()
  const pinia = createPinia()
  setActivePinia(pinia)
  const w = mount({ template: '<router-view />' }, { global: { plugins: [router, pinia, i18n, ElementPlus] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}
const settle = async () => {
  await flushPromises()
  await new Promise((r) => setTimeout(r, 150)) // Element Plus shows field errors after a debounce
}
async function fill(w: ReturnType<typeof mount>, user: string, pw: string) {
  await w.find('#login-username').setValue(user)
  await w.find('#login-password').setValue(pw)
  await w.find('[data-test=login-form]').trigger('submit')
  await settle()
}

beforeEach(() => {
  i18n.global.locale.value = 'zh-TW'
  setCsrfToken(null)
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
  document.body.innerHTML = ''
})

describe('LoginView', () => {
  it('asks for the user name and the password before sending anything', async () => {
    const calls: string[] = []
    const { w } = await mountLogin((_m, url) => (calls.push(url.pathname), undefined))
    await w.find('[data-test=login-form]').trigger('submit')
    await settle()
    expect(calls).toEqual([])
    expect(w.find('[data-test=field-username] .el-form-item__error').text()).toBe('請輸入帳號')
    expect(w.find('[data-test=field-password] .el-form-item__error').text()).toBe('請輸入密碼')
  })

  it('says so on a wrong password and stays on the page', async () => {
    const { w, router } = await mountLogin(() => ({ status: 401, body: { title: 'Unauthorized', detail: 'wrong user name or password' } }))
    await fill(w, 'ohs', 'nope')
    expect(w.find('[data-test=login-error]').text()).toContain('帳號或密碼錯誤')
    expect(router.currentRoute.value.name).toBe('login')
    expect((w.find('#login-password').element as HTMLInputElement).value).toBe('')
  })

  it('asks for the one-time code when the account needs one, then signs in with it', async () => {
    const bodies: unknown[] = []
    const { w, router } = await mountLogin((_m, url, body) => {
      if (url.pathname !== '/api/v1/auth/login') return undefined
      bodies.push(body)
      const b = body as { totp?: string }
      if (!b.totp) return { status: 401, body: { title: 'Unauthorized', detail: 'needs a one-time code', errors: [{ pointer: '/totp', detail: 'required' }] } }
      return { body: session(['registry.read']) }
    })
    await fill(w, 'ohs', 'pw')
    expect(w.find('[data-test=totp-step]').exists()).toBe(true)
    await w.find('[data-test=login-form]').trigger('submit')
    await settle()
    expect(w.find('[data-test=field-totp] .el-form-item__error').text()).toBe('請輸入 6 位數驗證碼')
    await w.find('#login-totp').setValue('12ab')
    await w.find('[data-test=login-form]').trigger('submit')
    await settle()
    expect(w.find('[data-test=field-totp] .el-form-item__error').text()).toBe('驗證碼為 6 位數字')
    await w.find('#login-totp').setValue('123456')
    await w.find('[data-test=login-form]').trigger('submit')
    await settle()
    expect(bodies).toEqual([{ username: 'ohs', password: 'pw' }, { username: 'ohs', password: 'pw', totp: '123456' }])
    expect(router.currentRoute.value.fullPath).toBe('/facilities')
  })

  it('shows the lockout with the wait from Retry-After, counting down, and blocks the button', async () => {
    const { w } = await mountLogin(() => ({ status: 429, body: { title: 'Too Many Requests', detail: 'locked' }, headers: { 'Retry-After': '90' } }))
    vi.useFakeTimers()
    await w.find('#login-username').setValue('ohs')
    await w.find('#login-password').setValue('x')
    await w.find('[data-test=login-form]').trigger('submit')
    await vi.advanceTimersByTimeAsync(10)
    expect(w.find('[data-test=login-locked]').text()).toContain('90 秒')
    expect(w.find('[data-test=login-submit]').attributes('disabled')).toBeDefined()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(w.find('[data-test=login-locked]').text()).toContain('60 秒')
    await vi.advanceTimersByTimeAsync(61_000)
    expect(w.find('[data-test=login-locked]').exists()).toBe(false)
    expect(w.find('[data-test=login-submit]').attributes('disabled')).toBeUndefined()
  })

  it('signs in and goes to the intended route', async () => {
    const { w, router } = await mountLogin((_m, url) => (url.pathname === '/api/v1/auth/login' ? { body: session(['registry.read']) } : undefined), '/login?redirect=%2Ffacilities%2F7')
    await fill(w, 'ohs', 'pw')
    expect(router.currentRoute.value.fullPath).toBe('/facilities/7')
  })
})
