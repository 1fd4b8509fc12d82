// The registry list's state ⇄ the page URL's query string ⇄ the API's query.
import type { FacilityQuery } from '../api/registry'

export interface ListState {
  q: string
  sector: string
  subsector: string
  county: string
  grade: string
  cii: '' | 'true' | 'false'
  sort: string
  order: '' | 'asc' | 'desc'
  page: number
  size: number
}

export const SIZES = [20, 50, 100]

export function stateFromRoute(query: Record<string, unknown>): ListState {
  const s = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : '')
  const page = Math.max(1, parseInt(s('page'), 10) || 1)
  const size = SIZES.includes(parseInt(s('size'), 10)) ? parseInt(s('size'), 10) : 20
  const cii = s('cii') === 'true' || s('cii') === 'false' ? (s('cii') as 'true' | 'false') : ''
  const order = s('order') === 'asc' || s('order') === 'desc' ? (s('order') as 'asc' | 'desc') : ''
  return {
    q: s('q'),
    sector: s('sector'),
    subsector: s('subsector'),
    county: s('county'),
    grade: s('grade'),
    cii,
    sort: s('sort'),
    order,
    page,
    size,
  }
}

/** The URL query for a state: only what differs from the defaults. */
export function routeQuery(st: ListState): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of ['q', 'sector', 'subsector', 'county', 'grade', 'cii', 'sort', 'order'] as const)
    if (st[k]) out[k] = st[k]
  if (st.page > 1) out.page = String(st.page)
  if (st.size !== 20) out.size = String(st.size)
  return out
}

export function apiQuery(st: ListState): FacilityQuery {
  return {
    limit: st.size,
    offset: (st.page - 1) * st.size,
    q: st.q.trim() || undefined,
    sector: st.sector || undefined,
    subsector: st.subsector || undefined,
    county: st.county || undefined,
    grade: st.grade || undefined,
    cii: st.cii === '' ? undefined : st.cii === 'true',
    sort: st.sort || undefined,
    order: st.sort && st.order ? st.order : undefined,
  }
}
