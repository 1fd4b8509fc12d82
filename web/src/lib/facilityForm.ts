// The facility edit form: strings in the inputs ⇄ a JSON merge patch, and the same rules as
// the server's validate_facility (src/cipms/domain/validation.cc), so most mistakes are shown
// before a round trip. The server stays the judge: its problem+json errors are shown too.
import type { Facility } from '../api/types'

export interface FacilityForm {
  code: string
  name: string
  name_en: string
  sector: string
  subsector: string
  type: string
  county_code: string
  address: string
  lat: string
  lon: string
  population: string
  loss_per_hour: string
  mtpd_hours: string
  cii: boolean
  grade: string
  status: string
}

export type Msg = { key: string; args?: Record<string, unknown> }

const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n))

export function toForm(f: Facility): FacilityForm {
  return {
    code: f.code,
    name: f.name,
    name_en: f.name_en,
    sector: f.sector,
    subsector: f.subsector,
    type: f.type,
    county_code: f.county_code,
    address: f.address,
    lat: str(f.lat),
    lon: str(f.lon),
    population: str(f.population),
    loss_per_hour: str(f.loss_per_hour),
    mtpd_hours: str(f.mtpd_hours),
    cii: f.cii,
    grade: str(f.grade),
    status: f.status,
  }
}

const bytes = (s: string) => new TextEncoder().encode(s).length
const num = (s: string): number | null => (s.trim() === '' ? null : Number(s.trim()))

/** Client-side checks; keys are field names, values i18n messages. Empty when valid. */
export function validateForm(f: FacilityForm, subsectorParent?: (code: string) => string | undefined): Record<string, Msg> {
  const e: Record<string, Msg> = {}
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(f.code)) e.code = { key: 'validation.code' }
  if (!f.name.trim() && !f.name_en.trim()) e.name = { key: 'validation.nameRequired' }
  if (bytes(f.name) > 200) e.name = { key: 'validation.maxLength', args: { n: 200 } }
  if (bytes(f.name_en) > 200) e.name_en = { key: 'validation.maxLength', args: { n: 200 } }
  if (!f.sector) e.sector = { key: 'validation.required' }
  if (!f.subsector) e.subsector = { key: 'validation.required' }
  if (f.type.length > 100) e.type = { key: 'validation.maxLength', args: { n: 100 } }
  if (bytes(f.address) > 500) e.address = { key: 'validation.maxLength', args: { n: 500 } }
  const lat = num(f.lat)
  const lon = num(f.lon)
  if ((lat === null) !== (lon === null)) e[lat === null ? 'lat' : 'lon'] = { key: 'validation.latlon' }
  if (lat !== null && !(Number.isFinite(lat) && lat >= -90 && lat <= 90)) e.lat = { key: 'validation.lat' }
  if (lon !== null && !(Number.isFinite(lon) && lon >= -180 && lon <= 180)) e.lon = { key: 'validation.lon' }
  for (const k of ['population', 'loss_per_hour'] as const) {
    const v = num(f[k])
    if (v === null || !Number.isFinite(v) || v < 0) e[k] = { key: 'validation.nonNegative' }
  }
  const pop = num(f.population)
  if (!e.population && pop !== null && !Number.isInteger(pop)) e.population = { key: 'validation.nonNegative' }
  const mtpd = num(f.mtpd_hours)
  if (mtpd !== null && !(Number.isFinite(mtpd) && mtpd >= 0)) e.mtpd_hours = { key: 'validation.nonNegative' }
  if (f.grade && !['1', '2', '3'].includes(f.grade)) e.grade = { key: 'validation.grade' }
  void subsectorParent
  return e
}

/** The merge patch of the fields that changed (JSON null clears an optional number). */
export function toPatch(before: FacilityForm, after: FacilityForm): Partial<Facility> {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(after) as (keyof FacilityForm)[]) {
    if (before[k] === after[k]) continue
    const v = after[k]
    switch (k) {
      case 'lat':
      case 'lon':
      case 'mtpd_hours':
      case 'grade':
        out[k] = num(v as string)
        break
      case 'population':
      case 'loss_per_hour':
        out[k] = num(v as string) ?? 0
        break
      default:
        out[k] = v
    }
  }
  return out as Partial<Facility>
}
