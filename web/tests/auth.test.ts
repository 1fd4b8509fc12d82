import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { ApiError, getCsrfToken, isUnsafeMethod, parseRetryAfter, request, setCsrfToken, setUnauthorizedHandler } from '../src/api/client'
import { classifyLoginError, useAuth } from '../src/stores/auth'
import { installAuthGuards, safeRedirect } from '../src/router'
import { classificationBody, validateClassification } from '../src/lib/classification'
import { fakeServer, flush, session } from './helpers'

beforeEach(() => {
  setActivePinia(createPinia())
  setCsrfToken(null)
  setUnauthorizedHandler(null)
})
afterEach(() => {
  vi.unstubAllGlobals()
  setUnauthorizedHandler(null)
})

describe('the API client and the CSRF token', () => {
  it('knows the state-changing methods', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'get'].map(isUnsafeMethod)).toEqual([false, false, false, false])
    expect(['POST', 'PUT', 'PATCH', 'DELETE', 'delete'].map(isUnsafeMethod)).toEqual([true, true, true, true, true])
  })

  it('sends X-CSRF-Token on POST, PUT, PATCH and DELETE only', async () => {
    const calls = fakeServer(() => ({ body: {} }))
    setCsrfToken('tok-1')
    for (const m of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']) await request(m, '/api/v1/facilities/1', m === 'GET' || m === 'HEAD' ? undefined : {})
    expect(calls.map((c) => [c.method, c.headers['X-CSRF-Token'] ?? null])).toEqual([
      ['GET', null], ['HEAD', null], ['POST', 'tok-1'], ['PUT', 'tok-1'], ['PATCH', 'tok-1'], ['DELETE', 'tok-1'],
    ])
  })

  it('sends no CSRF header when signed out', async () => {
    const calls = fakeServer(() => ({ body: {} }))
    await request('POST', '/api/v1/auth/login', { username: 'a', password: 'b' })
    expect(calls[0].headers['X-CSRF-Token']).toBeUndefined()
  })

  it('keeps the caller\'s headers next to the CSRF token', async () => {
    const calls = fakeServer(() => ({ body: {} }))
    setCsrfToken('tok-2')
    await request('PATCH', '/api/v1/facilities/1', { a: 1 }, { 'If-Match': '"3"' })
    expect(calls[0].headers).toMatchObject({ 'If-Match': '"3"', 'X-CSRF-Token': 'tok-2', 'Content-Type': 'application/json' })
  })

  it('reports a 401 to the handler, but not from sign-in or /auth/me', async () => {
    fakeServer(() => ({ status: 401, body: { title: 'Unauthorized', detail: 'sign in first' } }))
    const seen: number[] = []
    setUnauthorizedHandler((e) => seen.push(e.status))
    await expect(request('GET', '/api/v1/facilities?limit=1')).rejects.toBeInstanceOf(ApiError)
    await expect(request('POST', '/api/v1/auth/login', {})).rejects.toBeInstanceOf(ApiError)
    await expect(request('GET', '/api/v1/auth/me')).rejects.toBeInstanceOf(ApiError)
    expect(seen).toEqual([401])
  })

  it('does not treat 403 as a lost session', async () => {
    fakeServer(() => ({ status: 403, body: { title: 'Forbidden', detail: 'your role may not' } }))
    const seen: number[] = []
    setUnauthorizedHandler((e) => seen.push(e.status))
    const err = await request('POST', '/api/v1/simulations', {}).catch((e) => e)
    expect(err.isForbidden).toBe(true)
    expect(seen).toEqual([])
  })

  it('reads Retry-After as seconds or a date', async () => {
    expect(parseRetryAfter('60')).toBe(60)
    expect(parseRetryAfter(null)).toBeNull()
    expect(parseRetryAfter(new Date(1_000_000 + 90_000).toUTCString(), 1_000_000)).toBe(90)
    fakeServer(() => ({ status: 429, body: { title: 'Too Many Requests', detail: 'locked' }, headers: { 'Retry-After': '120' } }))
    const err = await request('POST', '/api/v1/auth/login', {}).catch((e) => e)
    expect(err.retryAfter).toBe(120)
  })
})

describe('classifyLoginError', () => {
  const err = (status: number, body: object, retry: number | null = null) => {
    const e = new ApiError(status, { status, ...body })
    e.retryAfter = retry
    return e
  }
  it('tells a wrong password, a needed or wrong one-time code, a lockout and a bad request apart', () => {
    expect(classifyLoginError(err(401, { detail: 'wrong user name or password' }))).toEqual({ kind: 'wrong' })
    expect(classifyLoginError(err(401, { errors: [{ pointer: '/totp', detail: 'required' }] }))).toEqual({ kind: 'totp-required' })
    expect(classifyLoginError(err(401, { errors: [{ pointer: '/totp', detail: 'wrong or expired' }] }))).toEqual({ kind: 'totp-wrong' })
    expect(classifyLoginError(err(429, { detail: 'locked' }, 60))).toEqual({ kind: 'locked', retryAfter: 60, detail: 'locked' })
    expect(classifyLoginError(err(400, { errors: [{ pointer: '/username', detail: 'is required' }] }))).toEqual({ kind: 'invalid', fields: { username: 'is required' } })
    expect(classifyLoginError(new Error('offline'))).toEqual({ kind: 'other', detail: 'offline' })
  })
})

describe('the auth store', () => {
  it('signs in: keeps the principal and the CSRF token for later writes', async () => {
    const calls = fakeServer((m, url) => (m === 'POST' && url.pathname === '/api/v1/auth/login' ? { body: session(['registry.read', 'registry.write']) } : { body: {} }))
    const auth = useAuth()
    expect(await auth.signIn({ username: 'ohs', password: 'pw' })).toBe(false)
    expect(calls[0].body).toEqual({ username: 'ohs', password: 'pw' })
    expect(auth.signedIn).toBe(true)
    expect(auth.principal?.org_code).toBe('OHS')
    expect(auth.can('registry.write')).toBe(true)
    expect(auth.can('network.import')).toBe(false)
    expect(getCsrfToken()).toBe('csrf-test')
    await request('PATCH', '/api/v1/facilities/1', {})
    expect(calls[1].headers['X-CSRF-Token']).toBe('csrf-test')
  })

  it('restores the session and the CSRF token from /auth/me once per page load', async () => {
    const calls = fakeServer((_m, url) => (url.pathname === '/api/v1/auth/me' ? { body: { ...session(['registry.read']), csrf_token: 'from-me' } } : undefined))
    const auth = useAuth()
    await Promise.all([auth.restore(), auth.restore()])
    await auth.restore()
    expect(calls.filter((c) => c.url === '/api/v1/auth/me')).toHaveLength(1)
    expect(auth.signedIn).toBe(true)
    expect(getCsrfToken()).toBe('from-me')
  })

  it('is signed out when /auth/me answers 401', async () => {
    fakeServer(() => ({ status: 401, body: { title: 'Unauthorized' } }))
    const auth = useAuth()
    await auth.restore()
    expect(auth.status).toBe('signed-out')
    expect(auth.can('registry.read')).toBe(false)
  })

  it('signs out (with the CSRF token) and forgets the user and the token', async () => {
    const calls = fakeServer((m, url) => {
      if (url.pathname === '/api/v1/auth/login') return { body: session(['registry.read']) }
      if (url.pathname === '/api/v1/auth/logout') return { status: 204 }
      if (url.pathname === '/api/v1/auth/logout-all') return { body: { sessions_ended: 3 } }
      return undefined
    })
    const auth = useAuth()
    await auth.signIn({ username: 'ohs', password: 'pw' })
    await auth.signOut()
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/api/v1/auth/logout' })
    expect(calls[1].headers['X-CSRF-Token']).toBe('csrf-test')
    expect(auth.signedIn).toBe(false)
    expect(auth.user).toBeNull()
    expect(getCsrfToken()).toBeNull()
    await auth.signIn({ username: 'ohs', password: 'pw' })
    expect(await auth.signOut(true)).toBe(3)
  })

  it('says when another user signs in on the same page load', async () => {
    let who = 'ohs'
    fakeServer(() => {
      const s = session(['registry.read'])
      s.user.username = who
      return { body: s }
    })
    const auth = useAuth()
    expect(await auth.signIn({ username: 'ohs', password: 'x' })).toBe(false)
    auth.clear()
    who = 'tpc-viewer'
    expect(await auth.signIn({ username: 'tpc-viewer', password: 'x' })).toBe(true)
  })
})

describe('route guards', () => {
  const Stub = { template: '<div/>' }
  function makeRouter() {
    const r = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/login', name: 'login', component: Stub, meta: { public: true } },
        { path: '/', name: 'dashboard', component: Stub },
        { path: '/facilities', name: 'facilities', component: Stub },
        { path: '/simulation', name: 'simulation', component: Stub, meta: { permission: 'analysis.run' } },
      ],
    })
    installAuthGuards(r)
    return r
  }

  it('sends a visitor without a session to sign-in, keeping the intended route', async () => {
    fakeServer(() => ({ status: 401, body: { title: 'Unauthorized' } }))
    const r = makeRouter()
    await r.push('/facilities?sector=energy')
    expect(r.currentRoute.value.name).toBe('login')
    expect(r.currentRoute.value.query.redirect).toBe('/facilities?sector=energy')
  })

  it('lets a signed-in user in, but not into a page their permissions lack', async () => {
    fakeServer((_m, url) => (url.pathname === '/api/v1/auth/me' ? { body: session(['registry.read']) } : undefined))
    const r = makeRouter()
    await r.push('/facilities')
    expect(r.currentRoute.value.name).toBe('facilities')
    await r.push('/simulation')
    expect(r.currentRoute.value.name).toBe('dashboard')
    await r.push('/login?redirect=/facilities')
    expect(r.currentRoute.value.fullPath).toBe('/facilities')
  })

  it('goes to sign-in when a call answers 401 later (session expired), marking it expired', async () => {
    let alive = true
    fakeServer((_m, url) => {
      if (url.pathname === '/api/v1/auth/me') return { body: session(['registry.read']) }
      return alive ? { body: {} } : { status: 401, body: { title: 'Unauthorized' } }
    })
    const r = makeRouter()
    await r.push('/facilities?page=3')
    alive = false
    await request('GET', '/api/v1/facilities').catch(() => {})
    await flush()
    await flush()
    expect(r.currentRoute.value.name).toBe('login')
    expect(r.currentRoute.value.query.redirect).toBe('/facilities?page=3')
    expect(useAuth().expired).toBe(true)
    expect(getCsrfToken()).toBeNull()
  })

  it('only redirects to our own pages after sign-in', () => {
    expect(safeRedirect('/facilities/7')).toBe('/facilities/7')
    expect(safeRedirect('//evil.example')).toBe('/')
    expect(safeRedirect('https://evil.example')).toBe('/')
    expect(safeRedirect('/login')).toBe('/')
    expect(safeRedirect(undefined)).toBe('/')
  })
})

describe('classification form', () => {
  it('needs a reason when classified, and a date or condition for a national secret', () => {
    expect(validateClassification({ level: 'general', reason: '', declassify_on: '', declassify_condition: '' })).toEqual({})
    expect(validateClassification({ level: 'official', reason: '', declassify_on: '', declassify_condition: '' })).toEqual({ reason: 'classification.reasonRequired' })
    expect(validateClassification({ level: 'confidential', reason: 'x', declassify_on: '', declassify_condition: '' })).toEqual({ declassify_on: 'classification.declassifyRequired' })
    expect(validateClassification({ level: 'secret', reason: 'x', declassify_on: '', declassify_condition: '戰爭結束' })).toEqual({})
    expect(validateClassification({ level: 'secret', reason: 'x', declassify_on: '2030/1/1', declassify_condition: '' })).toEqual({ declassify_on: 'classification.dateFormat' })
  })
  it('sends only what the level uses', () => {
    expect(classificationBody({ level: 'general', reason: ' ', declassify_on: '2030-01-01', declassify_condition: 'c' })).toEqual({ level: 'general', reason: '' })
    expect(classificationBody({ level: 'confidential', reason: ' r ', declassify_on: '2030-01-01', declassify_condition: '' })).toEqual({ level: 'confidential', reason: 'r', declassify_on: '2030-01-01' })
  })
})
