import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useSimulation } from '../src/stores/simulation'
import { fakeServer } from './helpers'

afterEach(() => vi.unstubAllGlobals())

const result = {
  facilities: [
    { id: 'P1', outages: [{ start: 0, end: 48 }] },
    { id: 'H1', outages: [{ start: 4, end: 48 }] },
  ],
  summary: { facilities_down: 2, peak_down: 2 },
  timeline: [{ t: 0, down: 1 }, { t: 4, down: 2 }, { t: 48, down: 0 }],
}

describe('simulation store', () => {
  it('posts the scenario, polls the job with progress, and computes the timeline', async () => {
    let polls = 0
    const calls = fakeServer((method, url) => {
      if (method === 'POST' && url.pathname === '/api/v1/simulations') return { status: 202, body: { id: 'j1', state: 'queued', progress: 0 } }
      if (url.pathname === '/api/v1/jobs/j1') {
        polls++
        return { body: polls < 2 ? { id: 'j1', state: 'running', progress: 0.5 } : { id: 'j1', state: 'succeeded', progress: 1 } }
      }
      if (url.pathname === '/api/v1/jobs/j1/result') return { body: result }
      return undefined
    })
    setActivePinia(createPinia())
    const sim = useSimulation()
    sim.horizon = 72
    sim.addEvent('P1', 0, 48)
    sim.addEvent('P1', 5, 5) // the same facility twice is ignored
    const seen: number[] = []
    sim.$subscribe(() => seen.push(sim.progress))
    vi.useFakeTimers({ shouldAdvanceTime: true })
    await sim.run((c) => ({ P1: 0, H1: 1000 })[c] ?? 0)
    vi.useRealTimers()
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/simulations', body: { scenario: { horizon_hours: 72, events: [{ facility: 'P1', down_at: 0, repair_hours: 48 }] } } })
    expect(seen).toContain(0.5)
    expect(sim.error).toBe('')
    expect(sim.series).toEqual([
      { t: 0, down: 1, population: 0 },
      { t: 4, down: 2, population: 1000 },
      { t: 48, down: 0, population: 0 },
    ])
    sim.t = 10
    expect([...sim.downNow].sort()).toEqual(['H1', 'P1'])
    expect(sim.pointNow()).toEqual({ t: 4, down: 2, population: 1000 })
  })

  it('reports a failed job', async () => {
    fakeServer((method, url) => {
      if (method === 'POST') return { status: 202, body: { id: 9, state: 'failed', error: 'unknown facility XX' } }
      return undefined
    })
    setActivePinia(createPinia())
    const sim = useSimulation()
    sim.addEvent('XX')
    await sim.run()
    expect(sim.error).toBe('unknown facility XX')
    expect(sim.result).toBeNull()
  })

  it('shows the problem of a rejected scenario', async () => {
    fakeServer(() => ({ status: 422, body: { detail: 'events/0/facility: unknown facility XX' } }))
    setActivePinia(createPinia())
    const sim = useSimulation()
    sim.addEvent('XX')
    await sim.run()
    expect(sim.error).toBe('events/0/facility: unknown facility XX')
  })
})
