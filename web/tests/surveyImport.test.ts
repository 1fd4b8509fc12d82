import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, setCsrfToken } from '../src/api/client'
import { importSurveys, importTemplateUrl } from '../src/api/survey'

afterEach(() => {
  vi.unstubAllGlobals()
  setCsrfToken(null)
})

describe('importSurveys', () => {
  it('uploads the file as the multipart part "file" with the CSRF token and no JSON Content-Type', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ year: 2026, format: 'xlsx', surveys: 2, submitted: 1 }), { status: 200 }))
    vi.stubGlobal('fetch', fetch)
    setCsrfToken('tok')
    const file = new File(['PK\u0003\u0004'], '自評表.xlsx')
    const s = await importSurveys(2026, file)
    expect(s).toEqual({ year: 2026, format: 'xlsx', surveys: 2, submitted: 1 })
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/api/v1/survey-rounds/2026/import')
    expect(init.method).toBe('POST')
    const headers = init.headers as Record<string, string>
    expect(headers['X-CSRF-Token']).toBe('tok')
    expect(headers['Content-Type']).toBeUndefined()
    const form = init.body as FormData
    expect(form).toBeInstanceOf(FormData)
    expect((form.get('file') as File).name).toBe('自評表.xlsx')
  })

  it('rejects with every problem and its cell from a 422', async () => {
    const problem = {
      status: 422,
      detail: 'the sheet Self-assessment has bad cells, nothing was written',
      errors: [{ pointer: 'Self-assessment!C7', detail: "population_score must be a score 1-5, not '9'" }],
    }
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(problem), { status: 422 })))
    const err = await importSurveys(2026, new File(['x'], 'a.csv')).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(422)
    expect(err.problem.errors[0].pointer).toBe('Self-assessment!C7')
  })

  it('names the template of a round', () => {
    expect(importTemplateUrl(2026)).toBe('/api/v1/survey-rounds/2026/import-template.xlsx')
  })
})
