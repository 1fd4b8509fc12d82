// The dashboard's survey figures (issue 6): which round is current, days to its deadline and how
// urgent that is, the surveys by state and the completion per competent authority — pure
// functions of what GET /survey-rounds and /survey-rounds/{year}/completion answer.
import type { CompletionRow, SurveyRound } from '../api/survey'
import { SURVEY_STATES } from '../api/survey'
import { TZ } from './format'

/** Today's date (YYYY-MM-DD) in Asia/Taipei: deadlines are calendar days there. */
export function todayIn(now: Date = new Date(), tz = TZ): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

/** Whole days from `today` to `deadline` (both YYYY-MM-DD): 0 on the day, negative once past. */
export function daysUntil(deadline: string, today: string): number {
  const d = Date.parse(`${deadline}T00:00:00Z`)
  const t = Date.parse(`${today}T00:00:00Z`)
  if (Number.isNaN(d) || Number.isNaN(t)) return NaN
  return Math.round((d - t) / 86_400_000)
}

export type DeadlineTone = 'overdue' | 'soon' | 'ok'
/** Days left → how the deadline is shown: past it, fewer than 14 days, or comfortably ahead. */
export function deadlineTone(days: number): DeadlineTone {
  if (days < 0) return 'overdue'
  if (days < 14) return 'soon'
  return 'ok'
}

/**
 * The round the dashboard shows: of the rounds already open (opens_on ≤ today), the newest; when
 * none is open yet, the one opening first. Undefined without rounds.
 */
export function currentRound(rounds: SurveyRound[], today: string): SurveyRound | undefined {
  const open = rounds.filter((r) => r.opens_on <= today).sort((a, b) => b.year - a.year)
  if (open.length) return open[0]
  return [...rounds].sort((a, b) => a.opens_on.localeCompare(b.opens_on))[0]
}

/** The states in the order of the workflow, with "not started" first. */
export const DASHBOARD_STATES = ['not_started', ...SURVEY_STATES] as const

/** Facilities by survey state over all rows (every state present, 0 when none). */
export function stateTotals(rows: CompletionRow[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(DASHBOARD_STATES.map((s) => [s, 0]))
  for (const r of rows) for (const [s, n] of Object.entries(r.by_state)) out[s] = (out[s] ?? 0) + n
  return out
}

export interface AuthorityCompletion {
  authority: number | null
  code: string
  facilities: number
  submitted: number
  /** Submitted (or further) of the facilities, 0–100, rounded down so 100 means all. */
  percent: number
}

/**
 * Completion per competent authority (the rows are per authority and sector), the largest first;
 * `top` of them. Facilities without an authority are grouped under the code "".
 */
export function authorityCompletion(rows: CompletionRow[], top = 5): AuthorityCompletion[] {
  const by = new Map<string, AuthorityCompletion>()
  for (const r of rows) {
    const key = String(r.authority ?? '')
    const a = by.get(key) ?? { authority: r.authority, code: r.authority_code, facilities: 0, submitted: 0, percent: 0 }
    a.facilities += r.facilities
    a.submitted += r.submitted
    by.set(key, a)
  }
  const all = [...by.values()]
  for (const a of all) a.percent = a.facilities ? Math.floor((100 * a.submitted) / a.facilities) : 0
  return all.sort((a, b) => b.facilities - a.facilities || a.code.localeCompare(b.code)).slice(0, top)
}
