import { defineStore } from 'pinia'
import { getTaxonomy } from '../api/registry'
import type { County, Taxonomy, TaxonomyEntry } from '../api/types'
import { i18n } from '../i18n'

/** Name of a taxonomy entry or county in the current language (falls back to the other one). */
export function localName(e: { name: string; name_en: string } | undefined, fallback = ''): string {
  if (!e) return fallback
  const en = (i18n.global.locale as unknown as { value: string }).value === 'en'
  return (en ? e.name_en || e.name : e.name || e.name_en) || fallback
}

let pending: Promise<void> | null = null

export const useTaxonomy = defineStore('taxonomy', {
  state: () => ({ tax: null as Taxonomy | null, error: '' as string, loading: false }),
  getters: {
    sectors: (s): TaxonomyEntry[] => s.tax?.sectors ?? [],
    counties: (s): County[] => s.tax?.counties ?? [],
  },
  actions: {
    /** Loads once; concurrent callers share the one request and all wait for it. */
    load(): Promise<void> {
      if (this.tax) return Promise.resolve()
      if (!pending) {
        this.loading = true
        pending = getTaxonomy()
          .then((t) => {
            this.tax = t
            this.error = ''
          })
          .catch((e) => {
            this.error = (e as Error).message
          })
          .finally(() => {
            this.loading = false
            pending = null
          })
      }
      return pending
    },
    subsectorsOf(sector: string): TaxonomyEntry[] {
      const all = this.tax?.subsectors ?? []
      return sector ? all.filter((s) => s.parent === sector) : all
    },
    sectorName(code: string): string {
      return localName(this.tax?.sectors.find((s) => s.code === code), code)
    },
    subsectorName(code: string): string {
      return localName(this.tax?.subsectors.find((s) => s.code === code), code)
    },
    typeName(code: string): string {
      return localName(this.tax?.facility_types.find((s) => s.code === code), code)
    },
    resourceName(code: string): string {
      return localName(this.tax?.resources.find((s) => s.code === code), code)
    },
    countyName(code: string): string {
      return localName(this.tax?.counties.find((c) => c.code === code || c.abbrev === code), code)
    },
  },
})
