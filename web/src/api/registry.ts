import { API, buildQuery, get, request, type QueryValue, type Tagged } from './client'
import type { CoreFunction, Dependency, Facility, Page, RankEntry, Taxonomy } from './types'

export interface FacilityQuery {
  limit?: number
  offset?: number
  sector?: string
  subsector?: string
  county?: string
  grade?: string
  cii?: boolean | ''
  q?: string
  sort?: string
  order?: 'asc' | 'desc' | ''
}

export function facilitiesUrl(q: FacilityQuery): string {
  return `${API}/facilities${buildQuery(q as Record<string, QueryValue>)}`
}

export const listFacilities = (q: FacilityQuery) => get<Page<Facility>>(facilitiesUrl(q))
export const getFacility = (id: number) => request<Facility>('GET', `${API}/facilities/${id}`)
export const getTaxonomy = () => get<Taxonomy>(`${API}/taxonomy`)
export const upstreamOf = (id: number) =>
  get<Page<Dependency>>(`${API}/facilities/${id}/dependencies?limit=1000`)
export const downstreamOf = (id: number) =>
  get<Page<Dependency>>(`${API}/facilities/${id}/dependents?limit=1000`)
export const coreFunctionsOf = (id: number) =>
  get<Page<CoreFunction>>(`${API}/facilities/${id}/core-functions?limit=1000`)

/** JSON merge patch guarded by the version read (If-Match): 412 when someone else changed it. */
export function patchFacility(id: number, etag: string, changes: Partial<Facility>): Promise<Tagged<Facility>> {
  return request<Facility>('PATCH', `${API}/facilities/${id}`, changes, { 'If-Match': etag })
}

/** Finds a facility by its code (exact match among the search hits). */
export async function findByCode(code: string): Promise<Facility | undefined> {
  const page = await listFacilities({ q: code, limit: 50 })
  return page.items.find((f) => f.code === code)
}

/** The criticality ranking, normalised; undefined when the server has none (yet). */
export async function getRanking(): Promise<RankEntry[] | undefined> {
  try {
    const raw = await get<unknown>(`${API}/ranking`)
    return normaliseRanking(raw)
  } catch {
    return undefined
  }
}

export function normaliseRanking(raw: unknown): RankEntry[] {
  const obj = raw as Record<string, unknown>
  const list = (Array.isArray(raw) ? raw : (obj?.items ?? obj?.ranking ?? obj?.facilities ?? [])) as Record<
    string,
    unknown
  >[]
  return list.map((e, i) => {
    const fac = e.facility
    const code =
      typeof fac === 'string' ? fac : String(e.code ?? e.facility_code ?? (typeof e.id === 'string' ? e.id : ''))
    return {
      rank: typeof e.rank === 'number' ? e.rank : i + 1,
      code,
      id: typeof fac === 'number' ? fac : typeof e.id === 'number' ? e.id : undefined,
      name: typeof e.name === 'string' ? e.name : undefined,
      population_hours: e.population_hours as number | undefined,
      facilities_down: e.facilities_down as number | undefined,
      exceeded_mtpd: e.exceeded_mtpd as number | undefined,
    }
  })
}
