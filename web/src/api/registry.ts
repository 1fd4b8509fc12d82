import { API, buildQuery, get, request, type QueryValue, type Tagged } from './client'
import type { CoreFunction, Dependency, Facility, Job, Page, RankEntry, Taxonomy } from './types'
import { jobDone, jobFailed } from './analysis'

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

/** Sets a facility's classification (permission "classify"), guarded by If-Match. */
export function setClassification(
  id: number,
  etag: string,
  body: { level: string; reason: string; declassify_on?: string; declassify_condition?: string },
): Promise<Tagged<Facility>> {
  return request<Facility>('PUT', `${API}/facilities/${id}/classification`, body, { 'If-Match': etag })
}

/** Finds a facility by its code (exact match among the search hits). */
export async function findByCode(code: string): Promise<Facility | undefined> {
  const page = await listFacilities({ q: code, limit: 50 })
  return page.items.find((f) => f.code === code)
}

/**
 * The criticality ranking (GET /ranking), normalised. The server computes it as a job the first
 * time after a change (202 + job): this waits for the job, reporting progress, then reads the
 * page again. undefined when the server has none.
 */
export async function getRanking(
  limit = 50,
  offset = 0,
  onProgress: (fraction: number) => void = () => {},
  pollMs = 500,
): Promise<{ items: RankEntry[]; total: number } | undefined> {
  const url = `${API}/ranking${buildQuery({ limit, offset })}`
  try {
    for (let i = 0; i < 600; i++) {
      const raw = await get<Record<string, unknown>>(url)
      if (raw && typeof raw === 'object' && 'state' in raw && !('ranking' in raw) && !('items' in raw)) {
        let job = raw as unknown as Job
        while (!jobDone(job) && !jobFailed(job)) {
          onProgress(typeof job.progress === 'number' ? job.progress : 0)
          await new Promise((r) => setTimeout(r, pollMs))
          job = await get<Job>(`${API}/jobs/${job.id}`)
        }
        if (jobFailed(job)) return undefined
        continue
      }
      const items = normaliseRanking(raw)
      return { items, total: typeof raw?.total === 'number' ? (raw.total as number) : items.length }
    }
  } catch {
    return undefined
  }
  return undefined
}

let fullRanking: { at: number; items: RankEntry[] } | null = null
/** Every facility's rank (pages of 1,000), kept for a minute. */
export async function getFullRanking(): Promise<RankEntry[] | undefined> {
  if (fullRanking && Date.now() - fullRanking.at < 60_000) return fullRanking.items
  const first = await getRanking(1000, 0)
  if (!first) return undefined
  const rest = []
  for (let off = 1000; off < first.total; off += 1000) rest.push(getRanking(1000, off))
  const pages = await Promise.all(rest)
  const items = [first, ...pages].flatMap((p) => p?.items ?? [])
  fullRanking = { at: Date.now(), items }
  return items
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
      economic_loss: e.economic_loss as number | undefined,
      facilities_down: e.facilities_down as number | undefined,
      exceeded_mtpd: e.exceeded_mtpd as number | undefined,
    }
  })
}
