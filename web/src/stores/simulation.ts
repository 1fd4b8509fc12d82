import { defineStore } from 'pinia'
import { runSimulation } from '../api/analysis'
import type { Scenario, ScenarioEvent, SimulationResult } from '../api/types'
import { downAt, pointAt, timelineSeries, type TimelinePoint } from '../lib/timeline'

export const useSimulation = defineStore('simulation', {
  state: () => ({
    horizon: 168,
    events: [] as ScenarioEvent[],
    running: false,
    progress: 0,
    jobState: '',
    error: '',
    result: null as SimulationResult | null,
    resultHorizon: 168,
    /** The instant the slider shows, in hours from the scenario's start. */
    t: 0,
    populationOf: ((_: string) => 0) as (code: string) => number,
  }),
  getters: {
    series(s): TimelinePoint[] {
      return s.result ? timelineSeries(s.result, s.resultHorizon, s.populationOf) : []
    },
    downNow(s): Set<string> {
      return s.result ? downAt(s.result, s.t) : new Set()
    },
  },
  actions: {
    addEvent(facility: string, down_at = 0, repair_hours = 48) {
      if (!this.events.some((e) => e.facility === facility)) this.events.push({ facility, down_at, repair_hours })
    },
    removeEvent(i: number) {
      this.events.splice(i, 1)
    },
    scenario(): Scenario {
      return { horizon_hours: this.horizon, events: this.events.map((e) => ({ ...e })) }
    },
    async run(populationOf?: (code: string) => number) {
      if (populationOf) this.populationOf = populationOf
      this.running = true
      this.progress = 0
      this.error = ''
      this.result = null
      try {
        const sc = this.scenario()
        const r = await runSimulation(sc, (p, st) => {
          this.progress = p
          this.jobState = st
        })
        this.resultHorizon = sc.horizon_hours
        this.result = r
        this.t = 0
        this.progress = 1
      } catch (e) {
        this.error = (e as Error).message
      } finally {
        this.running = false
      }
    },
    pointNow(): TimelinePoint | undefined {
      return pointAt(this.series, this.t)
    },
  },
})
