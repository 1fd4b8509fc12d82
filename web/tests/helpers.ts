import { vi } from 'vitest'
import type { Facility } from '../src/api/types'
import type { SessionInfo } from '../src/api/auth'

export type Handler = (method: string, url: URL, body: unknown, headers: Record<string, string>) => { status?: number; body?: unknown; headers?: Record<string, string> } | undefined

/** Stubs fetch with a function of (method, url, body); unknown URLs answer 404 problem+json. */
export function fakeServer(handler: Handler) {
  const calls: { method: string; url: string; body: unknown; headers: Record<string, string> }[] = []
  const f = vi.fn(async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://localhost')
    const method = init.method ?? 'GET'
    const body = init.body ? JSON.parse(String(init.body)) : undefined
    const headers = (init.headers ?? {}) as Record<string, string>
    calls.push({ method, url: url.pathname + url.search, body, headers })
    const r = handler(method, url, body, headers) ?? { status: 404, body: { title: 'Not Found', detail: `no route ${url.pathname}` } }
    const status = r.status ?? 200
    return new Response(r.body === undefined ? null : JSON.stringify(r.body), {
      status,
      headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...(r.headers ?? {}) },
    })
  })
  vi.stubGlobal('fetch', f)
  return calls
}

export const flush = () => new Promise((r) => setTimeout(r, 0))

export const facility: Facility = {
  id: 7, code: 'TPC-P-001', name: '協和電廠', name_en: 'Hsieh-ho Power Plant', sector: 'energy', subsector: 'electricity',
  type: 'power_plant', provider: 2, provider_code: 'TPC', authority: 3, authority_code: 'MOEA', county_code: '10017',
  address: '基隆市中山區', lat: 25.16, lon: 121.74, population: 0, loss_per_hour: 2e6, mtpd_hours: 2, cii: true,
  grade: 1, status: 'active', version: 4, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-02T03:04:05Z',
}

export function session(permissions: string[], over: Partial<SessionInfo['principal']> = {}): SessionInfo {
  return {
    user: { id: 2, username: 'ohs', display_name: '國土安全辦公室 OHS officer', role: 'ohs_officer', clearance: 'top_secret', clearance_zh: '絕對機密', totp_enabled: false },
    principal: {
      user_id: 2, username: 'ohs', role: 'ohs_officer', org_id: 1, org_code: 'OHS', org_type: 'ohs', sectors: [], subsectors: [],
      clearance: 'top_secret', clearance_zh: '絕對機密', via: 'session', permissions: ['signed_in', ...permissions], ...over,
    },
    csrf_token: 'csrf-test',
    expires_at: '2026-11-26T02:00:00Z',
  }
}

/** Puts a signed-in user with these permissions in the auth store. */
export function signedInAs(auth: { apply: (s: SessionInfo) => void }, permissions: string[]) {
  auth.apply(session(permissions))
}
