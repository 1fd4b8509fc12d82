// The survey and grading workflow API (issue 7): rounds, surveys and their four sections, the
// transitions (If-Match on every change), the grading board with the engine's view, decision
// support, changes since the last submission, the national CI list, completion and the
// missing-facility finder. Shapes as src/cipms/services/survey_json.cc writes them.
import { API, buildQuery, get, request, type QueryValue, type Tagged } from './client'
import type { Page } from './types'

export type SurveyState = 'draft' | 'submitted' | 'returned' | 'accepted' | 'proposed' | 'under_review' | 'finalised'
export const SURVEY_STATES: SurveyState[] = ['draft', 'submitted', 'returned', 'accepted', 'proposed', 'under_review', 'finalised']

export interface SurveyRound {
  id: number
  year: number
  title: string
  opens_on: string
  deadline: string
  version: number
  /** Days before the deadline a reminder goes out (then weekly once overdue). */
  reminder_days?: number[]
}

export interface FacilityBrief {
  id: number
  code: string
  name: string
  name_en: string
  sector: string
  subsector: string
  type: string
  provider?: number | null
  authority?: number | null
  grade: number | null
  cii: boolean
  population?: number
}

export interface SurveyCoreFunction {
  id?: number
  name: string
  description: string
  mtpd_hours: number | null
  continuity: string
  version?: number
}

export interface ExternalResource {
  id?: number
  resource: string
  suppliers: number[]
  supplier_codes?: string[]
  min_up: number
  backup_hours: number
  backup_plan: string
  version?: number
}

export interface UnmatchedSupplier {
  resource: string
  name: string
  note: string
  backup_plan: string
  backup_hours: number | null
}

export type AssetClass = 'physical' | 'personnel' | 'ict'
export const ASSET_CLASSES: AssetClass[] = ['physical', 'personnel', 'ict']

export interface InternalAsset {
  class: AssetClass
  name: string
  description: string
  backup_plan: string
  max_backup_hours: number | null
  stops_core_function: boolean | null
  replaceable: boolean | null
  core_function: number | null
  /** Set by the server: an ICT asset that stops a core function and cannot be replaced. */
  cii?: boolean
}

export interface Criterion {
  score: number | null
  evidence: string
}
export interface SelfAssessment {
  population: Criterion
  government: Criterion & { categories: string[] }
  economic: Criterion
  morale: Criterion
}
export const CRITERIA = ['population', 'government', 'economic', 'morale'] as const
export type CriterionKey = (typeof CRITERIA)[number]
export const GOV_CATEGORIES = [
  'command',
  'ict',
  'lifeline_transport',
  'financial_order',
  'health_epidemic',
  'public_safety_rescue',
  'national_symbols',
  'key_technology_industry',
  'defence_mobilisation',
] as const

export interface Consultation {
  with_whom: string
  held_on: string
  summary: string
}
export interface Proposal {
  grade: number
  reasons: string
  rank: number | null
  rank_of: number | null
  consultations: Consultation[]
  proposed_by?: string
  proposed_at?: string
}

export interface ReviewOpinion {
  id: number
  body: string
  opinion: string
  recommended_grade: number | null
  author: string
  at: string
}

export interface Transition {
  from: string
  to: string
  actor: string
  at: string
  comment: string
}

export interface Survey {
  id: number
  year: number
  round_id: number
  state: SurveyState
  version: number
  facility: FacilityBrief
  core_functions: SurveyCoreFunction[]
  external_resources: ExternalResource[]
  unmatched_suppliers: UnmatchedSupplier[]
  assets: InternalAsset[]
  self_assessment: SelfAssessment
  holds_cii: boolean
  return_comment: string
  proposal: Proposal | null
  submitted_at: string | null
  final_grade: number | null
  finalised_at: string | null
  review_opinions: ReviewOpinion[]
  history: Transition[]
  created_at: string
  updated_at: string
}

export interface EngineView {
  rank: number
  ranked: number
  type_rank: number
  type_ranked: number
  population_hours: number
  facilities_down: number
  economic_loss: number
  engine_score: number
  self_score: number
  disagrees: boolean
}

export interface BoardRow {
  id: number
  state: SurveyState
  version: number
  facility: FacilityBrief
  self_assessment: SelfAssessment
  proposal: Proposal | null
  final_grade: number | null
  engine: EngineView
}

export interface JsonPatchOp {
  op: string
  path: string
  value?: unknown
  from?: string
}

export interface CompletionRow {
  authority: number | null
  authority_code: string
  sector: string
  facilities: number
  submitted: number
  by_state: Record<string, number>
}
export interface Completion {
  round: SurveyRound
  facilities: number
  submitted: number
  rows: CompletionRow[]
}

export interface NationalEntry extends FacilityBrief {
  grade_version: number
  decided_at: string
  year: number
}

export interface GradeVersion {
  facility: number
  grade_version: number
  grade: number | null
  cii: boolean
  previous_grade: number | null
  year: number
  survey_id: number | null
  reasons: string
  decided_by: string
  decided_at: string
}

export interface MissingFacilities {
  unmatched_suppliers: { name: string; resource: string; named_by: string; candidate: FacilityBrief | null }[]
  ranked_ungraded: { facility: FacilityBrief; rank: number; population_hours: number }[]
  proposed_by_reviewers: { id: number; survey_id: number | null; name: string; sector: string; reason: string; proposed_by: string; at: string }[]
}

export interface BoardQuery {
  state?: string
  sector?: string
  q?: string
  limit?: number
  offset?: number
}

const S = `${API}/surveys`
const R = `${API}/survey-rounds`
const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` })

export const listRounds = () => get<{ items: SurveyRound[]; total: number }>(R)
export const createRound = (r: { year: number; title: string; opens_on: string; deadline: string; reminder_days?: number[] }) =>
  request<SurveyRound>('POST', R, r).then((x) => x.data)
export const gradingBoard = (year: number, q: BoardQuery = {}) =>
  get<Page<BoardRow>>(`${R}/${year}/surveys${buildQuery(q as Record<string, QueryValue>)}`)
export const overdue = (year: number, limit = 100, offset = 0) =>
  get<Page<FacilityBrief> & { deadline: string; past_deadline: boolean }>(`${R}/${year}/overdue${buildQuery({ limit, offset })}`)
export interface ImportSummary {
  year: number
  format: 'json' | 'csv' | 'xlsx'
  surveys: number
  submitted: number
}
/** POST /survey-rounds/{year}/import: the file as multipart part `file` (JSON, CSV or XLSX; all or nothing). */
export function importSurveys(year: number, file: File): Promise<ImportSummary> {
  const form = new FormData()
  form.append('file', file, file.name)
  return request<ImportSummary>('POST', `${R}/${year}/import`, form).then((x) => x.data)
}
export const importTemplateUrl = (year: number) => `${R}/${year}/import-template.xlsx`
export const startSurvey = (year: number, facility: number) =>
  request<Survey>('POST', `${R}/${year}/surveys`, { facility }).then((x) => x.data)
export const completion = (year: number) => get<Completion>(`${R}/${year}/completion`)
export const missingFacilities = (year: number, top = 20) =>
  get<MissingFacilities>(`${R}/${year}/missing-facilities${buildQuery({ top })}`)
export const gradingListUrl = (year: number) => `${R}/${year}/grading-list.xlsx`
/** The grading list as a classification-marked PDF (landscape, every page marked). */
export const gradingListPdfUrl = (year: number) => `${R}/${year}/grading-list.pdf`

export const getSurvey = (id: number) => get<Survey>(`${S}/${id}`)
/** One survey, all four sections and its review record, as a classification-marked PDF. */
export const surveyPdfUrl = (id: number) => `${S}/${id}/export.pdf`
export const surveyChanges = (id: number) => get<{ changes: JsonPatchOp[] }>(`${S}/${id}/changes`)
export const decisionSupport = (id: number) => get<EngineView>(`${S}/${id}/decision-support`)

export type Section = 'core-functions' | 'external-resources' | 'assets' | 'self-assessment'
/** Saves one section, guarded by the survey's version (412 when someone else saved meanwhile). */
export function putSection(id: number, version: number, section: Section, body: unknown): Promise<Tagged<Survey>> {
  return request<Survey>('PUT', `${S}/${id}/${section}`, body, ifMatch(version))
}

export type Transition_ = 'submit' | 'return' | 'accept' | 'propose' | 'review-opinions' | 'finalise'
/** A workflow step (POST /surveys/{id}/{step}) with If-Match. */
export function transition(id: number, version: number, step: Transition_, body: unknown = {}): Promise<Survey> {
  return request<Survey>('POST', `${S}/${id}/${step}`, body, ifMatch(version)).then((x) => x.data)
}

export const nationalCi = (q: { grade?: number | ''; limit?: number; offset?: number } = {}) =>
  get<Page<NationalEntry>>(`${API}/national-ci${buildQuery(q as Record<string, QueryValue>)}`)
export const gradeHistory = (facility: number) =>
  get<{ items: GradeVersion[]; total: number }>(`${API}/facilities/${facility}/grade-history`)
