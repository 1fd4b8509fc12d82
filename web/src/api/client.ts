// A small fetch wrapper for /api/v1: JSON in and out, problem+json → ApiError, ETag for writes.
import type { Problem } from './types'

export const API = '/api/v1'

export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem
  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.status = status
    this.problem = problem
  }
  /** 412: the record changed since it was read. */
  get isConflict(): boolean {
    return this.status === 412
  }
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
  return new ApiError(res.status, problem)
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
  const init: RequestInit = { method, headers: { Accept: 'application/json', ...headers } }
  if (body !== undefined) {
    init.body = JSON.stringify(body)
    ;(init.headers as Record<string, string>)['Content-Type'] = 'application/json'
  }
  const res = await fetch(path.startsWith('/') ? path : `${API}/${path}`, init)
  if (!res.ok) throw await parseError(res)
  const text = res.status === 204 ? '' : await res.text()
  return { data: (text ? JSON.parse(text) : undefined) as T, etag: res.headers.get('ETag') }
}

export async function get<T>(path: string): Promise<T> {
  return (await request<T>('GET', path)).data
}
