import { describe, expect, it } from 'vitest'
import { apiQuery, routeQuery, stateFromRoute } from '../src/lib/listQuery'
import { facilitiesUrl } from '../src/api/registry'

describe('registry list query', () => {
  it('reads defaults from an empty URL', () => {
    const st = stateFromRoute({})
    expect(st).toMatchObject({ page: 1, size: 20, sector: '', cii: '', order: '' })
    expect(routeQuery(st)).toEqual({})
    expect(facilitiesUrl(apiQuery(st))).toBe('/api/v1/facilities?limit=20&offset=0')
  })
  it('round-trips filters, sort and page through the URL', () => {
    const q = { sector: 'energy', county: '63000', grade: '1', cii: 'true', q: ' 台電 ', sort: 'population', order: 'desc', page: '3', size: '50' }
    const st = stateFromRoute(q)
    expect(routeQuery(st)).toEqual(q)
    expect(facilitiesUrl(apiQuery(st))).toBe(
      '/api/v1/facilities?limit=50&offset=100&q=%E5%8F%B0%E9%9B%BB&sector=energy&county=63000&grade=1&cii=true&sort=population&order=desc',
    )
  })
  it('ignores junk in the URL', () => {
    const st = stateFromRoute({ page: '-4', size: '7', cii: 'maybe', order: 'up' })
    expect(st).toMatchObject({ page: 1, size: 20, cii: '', order: '' })
  })
  it('sends no order without a sort key', () => {
    expect(apiQuery({ ...stateFromRoute({}), order: 'desc' }).order).toBeUndefined()
  })
})
