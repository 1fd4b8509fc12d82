// A small fetch wrapper for /api/v1: JSON in and out, problem+json → ApiError, ETag for writes.
// Signed-in requests carry the HttpOnly session cookie (the browser sends it); state-changing
// ones also send the session's CSRF token in X-CSRF-Token. A 401 on any call but sign-in itself
// goes to the handler the auth store registers (which shows the sign-in page).
import type { Problem } from './types'

export const API = '/api/v1'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
/** Does this method change state (and so need the CSRF token)? */
export const isUnsafeMethod = (method: string) => !SAFE_METHODS.has(method.toUpperCase())

let csrfToken: string | null = null
/** The session's CSRF token (from sign-in or GET /auth/me); null when signed out. */
export function setCsrfToken(token: string | null | undefined) {
  csrfToken = token || null
}
export const getCsrfToken = () => csrfToken

type UnauthorizedHandler = (err: ApiError) => void
let onUnauthorized: UnauthorizedHandler | null = null
/** Called on a 401 answer (the session ended or was never there), except for sign-in and /auth/me. */
export function setUnauthorizedHandler(h: UnauthorizedHandler | null) {
  onUnauthorized = h
}
/** Calls whose 401 is an answer for the caller, not a lost session. */
const OWN_401 = [`${API}/auth/login`, `${API}/auth/me`]

export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem
  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.status = status
    this.problem = problem
  }
  /** Seconds from the Retry-After header (429), when given. */
  retryAfter: number | null = null
  /** 412: the record changed since it was read. */
  get isConflict(): boolean {
    return this.status === 412
  }
  /** 403: signed in, but the role or the token may not do this. */
  get isForbidden(): boolean {
    return this.status === 403
  }
}

/** Reads Retry-After: delta-seconds or an HTTP date. */
export function parseRetryAfter(v: string | null, now = Date.now()): number | null {
  if (!v) return null
  if (/^\d+$/.test(v.trim())) return Number(v.trim())
  const t = Date.parse(v)
  return Number.isNaN(t) ? null : Math.max(0, Math.ceil((t - now) / 1000))
}

export type QueryValue = string | number | boolean | null | undefined
/** Builds "?a=1&b=x" from the set values only (empty strings, null and undefined are left out). */
export function buildQuery(params: Record<string, QueryValue>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    q.append(k, String(v))
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

/**
 * Maps a problem's errors to form fields: "/lat" → lat, "/suppliers/2" → suppliers,
 * "query:limit" → limit. Errors without a field (pointer "" or a header) go under "".
 * Several errors of one field are joined.
 */
export function problemToFieldErrors(p: Problem | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of p?.errors ?? []) {
    let field = ''
    const ptr = e.pointer ?? ''
    if (ptr.startsWith('/')) {
      field = ptr.slice(1).split('/')[0].replace(/~1/g, '/').replace(/~0/g, '~')
    } else if (ptr.startsWith('query:')) {
      field = ptr.slice('query:'.length)
    }
    out[field] = out[field] ? `${out[field]}; ${e.detail}` : e.detail
  }
  return out
}

async function parseError(res: Response): Promise<ApiError> {
  let problem: Problem = { status: res.status, title: res.statusText }
  const text = await res.text().catch(() => '')
  if (text) {
    try {
      problem = { status: res.status, ...JSON.parse(text) }
    } catch {
      problem.detail = text.slice(0, 500)
    }
  }
  const err = new ApiError(res.status, problem)
  err.retryAfter = parseRetryAfter(res.headers.get('Retry-After'))
  return err
}

export interface Tagged<T> {
  data: T
  etag: string | null
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Tagged<T>> {
  const h: Record<string, string> = { Accept: 'application/json', ...headers }
  if (isUnsafeMethod(method) && csrfToken) h['X-CSRF-Token'] = csrfToken
  const init: RequestInit = { method, headers: h, credentials: 'same-origin' }
  if (body instanceof FormData) {
    init.body = body // the browser sets multipart/form-data with its boundary
  } else if (body !== undefined) {
    init.body = JSON.stringify(body)
    h['Content-Type'] = 'application/json'
  }
  const url = path.startsWith('/') ? path : `${API}/${path}`
  const res = await fetch(url, init)
  if (!res.ok) {
    const err = await parseError(res)
    if (res.status === 401 && onUnauthorized && !OWN_401.includes(url.split('?')[0])) onUnauthorized(err)
    throw err
  }
  const text = res.status === 204 ? '' : await res.text()
  return { data: (text ? JSON.parse(text) : undefined) as T, etag: res.headers.get('ETag') }
}

export async function get<T>(path: string): Promise<T> {
  return (await request<T>('GET', path)).data
}
