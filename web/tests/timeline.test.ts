import { describe, expect, it } from 'vitest'
import { breakpoints, downAt, pointAt, timelineSeries } from '../src/lib/timeline'
import type { SimulationResult } from '../src/api/types'

// The worked example of docs/cascade-model.md: P damaged for 96 h, H (72 h of fuel) down on [72, 96).
const result: SimulationResult = {
  facilities: [
    { id: 'P1', outages: [{ start: 0, end: 96, cause: 'damage' }], downtime_hours: 96 },
    { id: 'H1', outages: [{ start: 72, end: 96, cause: 'dependency:electricity' }], downtime_hours: 24 },
    { id: 'W1', outages: [{ start: 10, end: 20 }, { start: 30, end: 500 }] },
  ],
  summary: { facilities_down: 3, peak_down: 3 },
  timeline: [],
}
const pop: Record<string, number> = { P1: 0, H1: 350000, W1: 1000 }

describe('timeline', () => {
  it('lists the change instants inside the horizon', () => {
    expect(breakpoints(result, 168)).toEqual([0, 10, 20, 30, 72, 96])
  })
  it('treats outages as half-open intervals', () => {
    expect([...downAt(result, 71.9)].sort()).toEqual(['P1', 'W1'])
    expect([...downAt(result, 72)].sort()).toEqual(['H1', 'P1', 'W1'])
    expect([...downAt(result, 96)].sort()).toEqual(['W1'])
    expect([...downAt(result, 20)]).toEqual(['P1'])
  })
  it('counts facilities down and population affected at each instant', () => {
    expect(timelineSeries(result, 168, (id) => pop[id])).toEqual([
      { t: 0, down: 1, population: 0 },
      { t: 10, down: 2, population: 1000 },
      { t: 20, down: 1, population: 0 },
      { t: 30, down: 2, population: 1000 },
      { t: 72, down: 3, population: 351000 },
      { t: 96, down: 1, population: 1000 },
    ])
  })
  it('agrees with downAt at every instant (sweep vs direct count)', () => {
    const series = timelineSeries(result, 168, (id) => pop[id])
    for (const p of series) {
      const d = downAt(result, p.t)
      expect(p.down).toBe(d.size)
      expect(p.population).toBe([...d].reduce((s, id) => s + pop[id], 0))
    }
  })
  it('matches the engine timeline when the result carries one', () => {
    const r: SimulationResult = {
      facilities: [
        { id: 'P1', outages: [{ start: 0, end: 96 }] },
        { id: 'H1', outages: [{ start: 72, end: 96 }] },
      ],
      timeline: [{ t: 0, down: 1 }, { t: 72, down: 2 }, { t: 96, down: 0 }],
    }
    expect(timelineSeries(r, 168, () => 0).map(({ t, down }) => ({ t, down }))).toEqual(r.timeline)
  })
  it('clips to the horizon and finds the step at a slider position', () => {
    const s = timelineSeries(result, 50, (id) => pop[id])
    expect(s.map((p) => p.t)).toEqual([0, 10, 20, 30])
    expect(pointAt(s, 25)).toEqual({ t: 20, down: 1, population: 0 })
    expect(pointAt(s, 49)?.down).toBe(2)
  })
})
