import { describe, expect, it } from 'vitest'
import { toForm, toPatch, validateForm } from '../src/lib/facilityForm'
import { facility } from './helpers'


describe('facility form', () => {
  it('accepts a facility as read from the API', () => {
    expect(validateForm(toForm(facility))).toEqual({})
  })
  it('checks ranges and formats as the server does', () => {
    const f = { ...toForm(facility), lat: '95', lon: 'abc', population: '-1', loss_per_hour: '', mtpd_hours: '-2', code: 'bad code', grade: '4' }
    expect(Object.keys(validateForm(f)).sort()).toEqual(['code', 'grade', 'lat', 'lon', 'loss_per_hour', 'mtpd_hours', 'population'])
    expect(validateForm(f).lat.key).toBe('validation.lat')
  })
  it('needs lat and lon together, and one of the two names', () => {
    expect(validateForm({ ...toForm(facility), lat: '' })).toEqual({ lat: { key: 'validation.latlon' } })
    expect(validateForm({ ...toForm(facility), name: ' ', name_en: '' })).toEqual({ name: { key: 'validation.nameRequired' } })
  })
  it('counts name length in bytes (UTF-8), as the server does', () => {
    expect(validateForm({ ...toForm(facility), name: '電'.repeat(67) }).name?.key).toBe('validation.maxLength')
    expect(validateForm({ ...toForm(facility), name: '電'.repeat(66) })).toEqual({})
  })
  it('patches only what changed, with numbers as numbers and blanks as null', () => {
    const before = toForm(facility)
    const after = { ...before, lat: '25.2', mtpd_hours: '', grade: '', name: '新名稱', cii: false }
    expect(toPatch(before, after)).toEqual({ lat: 25.2, mtpd_hours: null, grade: null, name: '新名稱', cii: false })
    expect(toPatch(before, { ...before })).toEqual({})
  })
})
