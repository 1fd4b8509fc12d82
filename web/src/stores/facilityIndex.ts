// Every facility in a light form, for the map, the graph and the scenario picker. Loaded once
// by pages of 1,000 (the API's largest page); the demo has about 3,000.
import { defineStore } from 'pinia'
import { listFacilities } from '../api/registry'
import type { Facility } from '../api/types'

export type FacilityLite = Pick<
  Facility,
  'id' | 'code' | 'name' | 'name_en' | 'sector' | 'subsector' | 'county_code' | 'lat' | 'lon' | 'population' | 'grade'
>

const PAGE = 1000
const MAX = 50000

function lite(f: Facility): FacilityLite {
  const { id, code, name, name_en, sector, subsector, county_code, lat, lon, population, grade } = f
  return { id, code, name, name_en, sector, subsector, county_code, lat, lon, population, grade }
}

export const useFacilityIndex = defineStore('facilityIndex', {
  state: () => ({
    all: [] as FacilityLite[],
    byCode: new Map<string, FacilityLite>(),
    byId: new Map<number, FacilityLite>(),
    loaded: false,
    error: '',
    pending: null as Promise<void> | null,
  }),
  actions: {
    load(): Promise<void> {
      if (this.loaded) return Promise.resolve()
      if (this.pending) return this.pending
      this.pending = (async () => {
        try {
          const first = await listFacilities({ limit: PAGE, offset: 0, sort: 'code' })
          const total = Math.min(first.total, MAX)
          const rest = []
          for (let off = PAGE; off < total; off += PAGE)
            rest.push(listFacilities({ limit: PAGE, offset: off, sort: 'code' }))
          const pages = [first, ...(await Promise.all(rest))]
          const all = pages.flatMap((p) => p.items.map(lite))
          this.all = all
          this.byCode = new Map(all.map((f) => [f.code, f]))
          this.byId = new Map(all.map((f) => [f.id, f]))
          this.loaded = true
          this.error = ''
        } catch (e) {
          this.error = (e as Error).message
        } finally {
          this.pending = null
        }
      })()
      return this.pending
    },
    population(code: string): number {
      return this.byCode.get(code)?.population ?? 0
    },
  },
})
