import { API, ApiError, get, request } from './client'
import type { Job, Scenario, SimulationResult } from './types'

const DONE = new Set(['succeeded', 'success', 'done', 'completed', 'finished'])
const FAILED = new Set(['failed', 'error', 'cancelled', 'canceled'])

export const jobDone = (j: Job) => DONE.has(j.state)
export const jobFailed = (j: Job) => FAILED.has(j.state)

function jobError(j: Job): string {
  const e = j.error as unknown
  if (e && typeof e === 'object') {
    const o = e as { detail?: string; message?: string; title?: string }
    return o.detail ?? o.message ?? o.title ?? j.state
  }
  return (e as string | undefined) ?? j.detail ?? j.state
}

function isResult(x: unknown): x is SimulationResult {
  return !!x && typeof x === 'object' && Array.isArray((x as SimulationResult).facilities)
}

/**
 * Runs a scenario as a job: POST /simulations, poll /jobs/{id} (onProgress gets 0..1), then
 * fetch the result. Also accepts a server that answers the POST with the result itself.
 */
export async function runSimulation(
  scenario: Scenario,
  onProgress: (fraction: number, state: string) => void = () => {},
  pollMs = 300,
  signal?: { cancelled: boolean },
): Promise<SimulationResult> {
  const { data } = await request<Job | SimulationResult | { job: Job }>('POST', `${API}/simulations`, { scenario })
  if (isResult(data)) return data
  let job: Job = 'job' in (data as object) ? (data as { job: Job }).job : (data as Job)
  for (;;) {
    const p = typeof job.progress === 'number' ? (job.progress > 1 ? job.progress / 100 : job.progress) : 0
    onProgress(jobDone(job) ? 1 : p, job.state)
    if (jobDone(job)) break
    if (jobFailed(job)) throw new ApiError(500, { title: job.state, detail: jobError(job) })
    if (signal?.cancelled) throw new Error('cancelled')
    await new Promise((r) => setTimeout(r, pollMs))
    job = await get<Job>(`${API}/jobs/${job.id}`)
  }
  const res = await get<SimulationResult | { result: SimulationResult }>(`${API}/jobs/${job.id}/result`)
  return isResult(res) ? res : (res as { result: SimulationResult }).result
}
