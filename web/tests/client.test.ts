import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, buildQuery, problemToFieldErrors, request } from '../src/api/client'
import { facilitiesUrl, getRanking, normaliseRanking } from '../src/api/registry'
import { fakeServer } from './helpers'

afterEach(() => vi.unstubAllGlobals())

describe('buildQuery', () => {
  it('leaves out empty, null and undefined values and encodes the rest', () => {
    expect(buildQuery({ a: 1, b: '', c: null, d: undefined, q: '台北 電廠', cii: false })).toBe(
      '?a=1&q=%E5%8F%B0%E5%8C%97+%E9%9B%BB%E5%BB%A0&cii=false',
    )
  })
  it('is empty when nothing is set', () => {
    expect(buildQuery({ a: '', b: undefined })).toBe('')
  })
  it('builds the facility list URL the API expects', () => {
    expect(facilitiesUrl({ limit: 20, offset: 40, sector: 'energy', grade: 'none', sort: 'population', order: 'desc' })).toBe(
      '/api/v1/facilities?limit=20&offset=40&sector=energy&grade=none&sort=population&order=desc',
    )
  })
})

describe('problemToFieldErrors', () => {
  it('maps JSON pointers to their top-level field', () => {
    expect(
      problemToFieldErrors({
        errors: [
          { pointer: '/lat', detail: 'must be a number between -90 and 90' },
          { pointer: '/suppliers/2', detail: 'supplier listed twice' },
        ],
      }),
    ).toEqual({ lat: 'must be a number between -90 and 90', suppliers: 'supplier listed twice' })
  })
  it('joins several errors of one field, and maps query and whole-body errors', () => {
    expect(
      problemToFieldErrors({
        errors: [
          { pointer: '/name', detail: 'a' },
          { pointer: '/name', detail: 'b' },
          { pointer: 'query:limit', detail: 'too big' },
          { pointer: '', detail: 'line 1, column 2' },
          { pointer: 'header:If-Match', detail: 'missing' },
        ],
      }),
    ).toEqual({ name: 'a; b', limit: 'too big', '': 'line 1, column 2; missing' })
  })
  it('unescapes ~1 and ~0 in pointers', () => {
    expect(problemToFieldErrors({ errors: [{ pointer: '/a~1b~0c', detail: 'x' }] })).toEqual({ 'a/b~c': 'x' })
  })
  it('is empty without a problem', () => {
    expect(problemToFieldErrors(undefined)).toEqual({})
  })
})

describe('request', () => {
  it('turns a problem+json answer into an ApiError carrying the problem', async () => {
    const body = { title: 'Unprocessable Content', status: 422, detail: 'the facility is not valid', errors: [{ pointer: '/lat', detail: 'bad' }] }
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { status: 422, headers: { 'Content-Type': 'application/problem+json' } })))
    const err = await request('PATCH', '/api/v1/facilities/1', { lat: 95 }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(422)
    expect(err.message).toBe('the facility is not valid')
    expect(problemToFieldErrors(err.problem)).toEqual({ lat: 'bad' })
    expect(err.isConflict).toBe(false)
  })
  it('marks 412 as a conflict and survives a non-JSON error body', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('stale', { status: 412, statusText: 'Precondition Failed' })))
    const err = await request('PATCH', '/api/v1/facilities/1', {}).catch((e) => e)
    expect(err.isConflict).toBe(true)
    expect(err.problem.detail).toBe('stale')
  })
  it('sends JSON with the given headers and returns the ETag', async () => {
    const f = vi.fn(async () => new Response('{"id":1}', { status: 200, headers: { ETag: '"7"' } }))
    vi.stubGlobal('fetch', f)
    const r = await request('PATCH', '/api/v1/facilities/1', { lat: 1 }, { 'If-Match': '"6"' })
    expect(r).toEqual({ data: { id: 1 }, etag: '"7"' })
    const init = (f.mock.calls[0] as unknown as [string, RequestInit])[1]
    expect(init.body).toBe('{"lat":1}')
    expect((init.headers as Record<string, string>)['If-Match']).toBe('"6"')
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json')
  })
})

describe('normaliseRanking', () => {
  it('reads the server shape: {ranking: [{rank, id: code, ...}]}', () => {
    const r = normaliseRanking({ total: 2, ranking: [{ rank: 1, id: 'NWT-OD-0004', population_hours: 10, facilities_down: 3, economic_loss: 5 }, { rank: 2, id: 'P2' }] })
    expect(r[0]).toMatchObject({ rank: 1, code: 'NWT-OD-0004', id: undefined, population_hours: 10, facilities_down: 3, economic_loss: 5 })
    expect(r[1]).toMatchObject({ rank: 2, code: 'P2' })
  })
  it('accepts a list under items with facility codes, ranked by position', () => {
    expect(normaliseRanking({ items: [{ facility: 'P1' }, { facility: 'P2' }] }).map((e) => [e.rank, e.code])).toEqual([[1, 'P1'], [2, 'P2']])
  })
  it('accepts a bare array with numeric ids', () => {
    expect(normaliseRanking([{ rank: 3, id: 12, code: 'X' }])[0]).toMatchObject({ rank: 3, id: 12, code: 'X' })
  })
})

describe('getRanking', () => {
  it('waits for the ranking job (202) and then reads the page', async () => {
    let computed = false
    let polls = 0
    fakeServer((_m, url) => {
      if (url.pathname === '/api/v1/ranking') {
        expect(url.search).toBe('?limit=10&offset=0')
        return computed
          ? { body: { total: 3000, limit: 10, offset: 0, ranking: [{ rank: 1, id: 'A' }] } }
          : { status: 202, body: { id: 'r1', kind: 'ranking', state: 'running', progress: 0.5 } }
      }
      if (url.pathname === '/api/v1/jobs/r1') {
        polls++
        computed = polls >= 2
        return { body: { id: 'r1', state: computed ? 'succeeded' : 'running', progress: computed ? 1 : 0.7 } }
      }
      return undefined
    })
    const seen: number[] = []
    const r = await getRanking(10, 0, (p) => seen.push(p), 1)
    expect(r).toMatchObject({ total: 3000, items: [{ rank: 1, code: 'A' }] })
    expect(seen).toEqual([0.5, 0.7])
  })
  it('is undefined when the server has no ranking', async () => {
    fakeServer(() => undefined)
    expect(await getRanking()).toBeUndefined()
  })
})
