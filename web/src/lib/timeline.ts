// Turns a cascade result (docs/cascade-model.md) into what the UI shows over time: which
// facilities are down at t, and the step series of facilities down and population affected.
import type { SimulationResult } from '../api/types'

export interface TimelinePoint {
  t: number
  down: number
  population: number
}

/** Every instant at which the state changes, within [0, horizon), sorted, starting at 0. */
export function breakpoints(result: SimulationResult, horizon: number): number[] {
  const ts = new Set<number>([0])
  for (const f of result.facilities)
    for (const o of f.outages) {
      if (o.start >= 0 && o.start < horizon) ts.add(o.start)
      if (o.end >= 0 && o.end < horizon) ts.add(o.end)
    }
  return [...ts].sort((a, b) => a - b)
}

/** Ids of the facilities down at t (outages are half-open, [start, end)). */
export function downAt(result: SimulationResult, t: number): Set<string> {
  const out = new Set<string>()
  for (const f of result.facilities)
    if (f.outages.some((o) => o.start <= t && t < o.end)) out.add(f.id)
  return out
}

/** Facilities down and population affected at each breakpoint (a step function). */
export function timelineSeries(
  result: SimulationResult,
  horizon: number,
  population: (id: string) => number,
): TimelinePoint[] {
  // Sweep: +1 at each start, −1 at each end.
  const delta = new Map<number, { n: number; p: number }>()
  const bump = (t: number, n: number, p: number) => {
    const d = delta.get(t) ?? { n: 0, p: 0 }
    d.n += n
    d.p += p
    delta.set(t, d)
  }
  for (const f of result.facilities) {
    const pop = population(f.id)
    for (const o of f.outages) {
      const s = Math.max(0, o.start)
      const e = Math.min(horizon, o.end)
      if (e <= s) continue
      bump(s, 1, pop)
      bump(e, -1, -pop)
    }
  }
  const points: TimelinePoint[] = []
  let n = 0
  let p = 0
  for (const t of breakpoints(result, horizon)) {
    const d = delta.get(t)
    if (d) {
      n += d.n
      p += d.p
    }
    points.push({ t, down: n, population: p })
  }
  return points
}

/** The last breakpoint at or before t (what the slider snaps to). */
export function pointAt(points: TimelinePoint[], t: number): TimelinePoint | undefined {
  let best: TimelinePoint | undefined
  for (const pt of points) if (pt.t <= t) best = pt
  return best
}
