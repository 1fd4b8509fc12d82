// The survey form's editable copy of a survey's sections, and the bodies of the section PUTs.
// Numbers are edited as text ('' = not given) and sent as numbers or null.
import type { AssetClass, Survey } from '../api/survey'

export interface CfRow { id?: number; name: string; description: string; mtpd_hours: string; continuity: string }
export interface ExtRow {
  id?: number
  resource: string
  suppliers: number[]
  supplier_codes: string[]
  min_up: string
  backup_hours: string
  backup_plan: string
}
export interface UnRow { resource: string; name: string; note: string; backup_plan: string; backup_hours: string }
export interface AssetRow {
  class: AssetClass
  name: string
  description: string
  backup_plan: string
  max_backup_hours: string
  stops_core_function: boolean | null
  replaceable: boolean | null
}
export interface CritRow { score: number | null; evidence: string }
export interface SurveyForm {
  core_functions: CfRow[]
  external_resources: ExtRow[]
  unmatched_suppliers: UnRow[]
  assets: AssetRow[]
  self_assessment: {
    population: CritRow
    government: CritRow & { categories: string[] }
    economic: CritRow
    morale: CritRow
  }
}
export type FormSection = 'core_functions' | 'external' | 'assets' | 'self_assessment'

const txt = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n))
/** '' → null; otherwise the number (NaN stays NaN so the server says it is not a number). */
export function num(s: string): number | null {
  const v = s.trim()
  return v === '' ? null : Number(v)
}

export function toSurveyForm(s: Survey): SurveyForm {
  const a = s.self_assessment
  return {
    core_functions: s.core_functions.map((c) => ({ id: c.id, name: c.name, description: c.description, mtpd_hours: txt(c.mtpd_hours), continuity: c.continuity })),
    external_resources: s.external_resources.map((x) => ({
      id: x.id,
      resource: x.resource,
      suppliers: [...x.suppliers],
      supplier_codes: [...(x.supplier_codes ?? [])],
      min_up: txt(x.min_up),
      backup_hours: txt(x.backup_hours),
      backup_plan: x.backup_plan,
    })),
    unmatched_suppliers: s.unmatched_suppliers.map((u) => ({ ...u, backup_hours: txt(u.backup_hours) })),
    assets: s.assets.map((x) => ({
      class: x.class,
      name: x.name,
      description: x.description,
      backup_plan: x.backup_plan,
      max_backup_hours: txt(x.max_backup_hours),
      stops_core_function: x.stops_core_function,
      replaceable: x.replaceable,
    })),
    self_assessment: {
      population: { ...a.population },
      government: { ...a.government, categories: [...a.government.categories] },
      economic: { ...a.economic },
      morale: { ...a.morale },
    },
  }
}

/** The body of PUT /surveys/{id}/<section>. */
export function sectionBody(f: SurveyForm, section: FormSection): unknown {
  switch (section) {
    case 'core_functions':
      return {
        core_functions: f.core_functions.map((c) => ({
          ...(c.id ? { id: c.id } : {}),
          name: c.name,
          description: c.description,
          mtpd_hours: num(c.mtpd_hours),
          continuity: c.continuity,
        })),
      }
    case 'external':
      return {
        external_resources: f.external_resources.map((x) => ({
          ...(x.id ? { id: x.id } : {}),
          resource: x.resource,
          suppliers: x.suppliers,
          min_up: num(x.min_up) ?? 1,
          backup_hours: num(x.backup_hours) ?? 0,
          backup_plan: x.backup_plan,
        })),
        unmatched_suppliers: f.unmatched_suppliers.map((u) => ({ ...u, backup_hours: num(u.backup_hours) })),
      }
    case 'assets':
      return {
        assets: f.assets.map((x) => ({
          class: x.class,
          name: x.name,
          description: x.description,
          backup_plan: x.backup_plan,
          max_backup_hours: num(x.max_backup_hours),
          // Only ICT assets answer the CII questions.
          stops_core_function: x.class === 'ict' ? x.stops_core_function : null,
          replaceable: x.class === 'ict' ? x.replaceable : null,
        })),
      }
    case 'self_assessment':
      return f.self_assessment
  }
}

export const SECTIONS: FormSection[] = ['core_functions', 'external', 'assets', 'self_assessment']
export const SECTION_PATH = {
  core_functions: 'core-functions',
  external: 'external-resources',
  assets: 'assets',
  self_assessment: 'self-assessment',
} as const
/** A section's 422 pointers are relative to its body; the submission's to the whole survey. */
export const SECTION_PREFIX: Record<FormSection, string> = { core_functions: '', external: '', assets: '', self_assessment: '/self_assessment' }
/** Which form section a pointer's first segment belongs to. */
export function formSectionOf(pointer: string): FormSection | undefined {
  const s = pointer.split('/')[1] ?? ''
  if (s === 'core_functions') return 'core_functions'
  if (s === 'external_resources' || s === 'unmatched_suppliers') return 'external'
  if (s === 'assets') return 'assets'
  if (s === 'self_assessment') return 'self_assessment'
  return undefined
}

/** The CII rule (docs/survey.md): an ICT asset whose loss stops a core function and that cannot be temporarily replaced. */
export const isCiiAsset = (a: Pick<AssetRow, 'class' | 'stops_core_function' | 'replaceable'>) =>
  a.class === 'ict' && a.stops_core_function === true && a.replaceable === false

export const editableState = (state: string) => state === 'draft' || state === 'returned'
