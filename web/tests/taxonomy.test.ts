import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useTaxonomy } from '../src/stores/taxonomy'
import { i18n } from '../src/i18n'
import { fakeServer } from './helpers'

afterEach(() => vi.unstubAllGlobals())

const tax = {
  sectors: [{ code: 'energy', name: '能源', name_en: 'Energy', active: true }],
  subsectors: [
    { code: 'electricity', name: '電力', name_en: 'Electricity', active: true, parent: 'energy' },
    { code: 'tap', name: '自來水', name_en: '', active: true, parent: 'water' },
  ],
  facility_types: [], resources: [], threats: [],
  counties: [{ code: '63000', abbrev: 'TPE', name: '臺北市', name_en: 'Taipei City', population: 1, lat: 25, lon: 121.5 }],
}

describe('taxonomy store', () => {
  it('makes one request for concurrent loads, and every caller waits for the data', async () => {
    const calls = fakeServer(() => ({ body: tax }))
    setActivePinia(createPinia())
    const s = useTaxonomy()
    await Promise.all([s.load(), s.load()])
    expect(calls.length).toBe(1)
    expect(s.sectors.map((x) => x.code)).toEqual(['energy'])
    await s.load()
    expect(calls.length).toBe(1)
  })
  it('names entries in the current language, falling back to the other one or the code', async () => {
    fakeServer(() => ({ body: tax }))
    setActivePinia(createPinia())
    const s = useTaxonomy()
    await s.load()
    i18n.global.locale.value = 'en'
    expect([s.sectorName('energy'), s.subsectorName('tap'), s.countyName('TPE'), s.sectorName('nope')]).toEqual(['Energy', '自來水', 'Taipei City', 'nope'])
    i18n.global.locale.value = 'zh-TW'
    expect([s.sectorName('energy'), s.countyName('63000')]).toEqual(['能源', '臺北市'])
    expect(s.subsectorsOf('energy').map((x) => x.code)).toEqual(['electricity'])
  })
})
