// Shapes of the cipms API (/api/v1), as src/cipms/api/json_io.cc writes them.

export interface Page<T> {
  items: T[]
  total: number
  limit: number
  offset: number
}

export interface Facility {
  id: number
  code: string
  name: string
  name_en: string
  sector: string
  subsector: string
  type: string
  provider: number | null
  provider_code: string | null
  authority: number | null
  authority_code: string | null
  county_code: string
  address: string
  lat: number | null
  lon: number | null
  population: number
  loss_per_hour: number
  mtpd_hours: number | null
  cii: boolean
  grade: number | null
  status: string
  /** The marking (issue 5); older servers send none. */
  classification?: Classification
  version: number
  created_at: string
  updated_at: string
}

export interface Classification {
  level: 'general' | 'official' | 'confidential' | 'secret' | 'top_secret'
  level_zh: string
  reason: string
  classified_by: string
  classified_on: string | null
  declassify_on: string | null
  declassify_condition: string
}

export interface CoreFunction {
  id: number
  facility: number
  name: string
  description: string
  mtpd_hours: number | null
  continuity: string
  version: number
}

export interface Dependency {
  id: number
  consumer: number
  consumer_code: string
  resource: string
  suppliers: number[]
  supplier_codes: string[]
  min_up: number
  backup_hours: number
  version: number
}

export interface TaxonomyEntry {
  code: string
  name: string
  name_en: string
  active: boolean
  parent?: string
}

export interface County {
  code: string
  abbrev: string
  name: string
  name_en: string
  population: number
  lat: number
  lon: number
}

export interface Taxonomy {
  sectors: TaxonomyEntry[]
  subsectors: TaxonomyEntry[]
  facility_types: TaxonomyEntry[]
  resources: TaxonomyEntry[]
  threats: TaxonomyEntry[]
  counties: County[]
}

/** RFC 9457 problem details, with cipms' per-field errors. */
export interface Problem {
  type?: string
  title?: string
  status?: number
  detail?: string
  /** `code`: the rule's stable machine code ("survey.mtpd_required"), when it has one. */
  errors?: { pointer: string; detail: string; code?: string }[]
}

// ---- analysis (docs/cascade-model.md)

export interface ScenarioEvent {
  facility: string
  down_at: number
  repair_hours: number
}

export interface Scenario {
  horizon_hours: number
  events: ScenarioEvent[]
}

export interface Outage {
  start: number
  end: number
  cause?: string
}

export interface FacilityResult {
  id: string
  outages: Outage[]
  downtime_hours?: number
  exceeded_mtpd?: boolean
}

export interface SimulationResult {
  facilities: FacilityResult[]
  summary?: {
    facilities_down?: number
    peak_down?: number
    population_hours?: number
    economic_loss?: number
    exceeded_mtpd?: number
  }
  timeline?: { t: number; down: number }[]
}

export interface Job {
  id: string | number
  state: string
  progress?: number
  error?: string | { detail?: string; message?: string; title?: string }
  detail?: string
}

export interface RankEntry {
  rank: number
  code: string
  id?: number
  name?: string
  population_hours?: number
  facilities_down?: number
  exceeded_mtpd?: number
  economic_loss?: number
}
