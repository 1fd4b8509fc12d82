// The engine's rank as the survey pages show it. A facility whose failure reaches no other
// facility has no rank worth reading (it shares the last place with every such facility):
// it is shown as "no knock-on impact" instead of "3000 / 3000".
import type { EngineView } from '../api/survey'

type T = (key: string) => string

export const hasImpact = (v: Pick<EngineView, 'population_hours' | 'facilities_down'>) => v.population_hours > 0 || v.facilities_down > 0

/** "4 / 3000", "no knock-on impact", or "—" when the engine has not ranked the facility. */
export function engineRankText(v: Pick<EngineView, 'rank' | 'ranked' | 'population_hours' | 'facilities_down'>, t: T): string {
  if (!v.rank) return '—'
  return hasImpact(v) ? `${v.rank} / ${v.ranked}` : t('survey.noKnockOn')
}
