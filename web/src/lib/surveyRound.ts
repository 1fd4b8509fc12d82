// The survey round the survey pages show: one choice shared by the pages (0 until the rounds are
// known; then the latest round unless the user picked another).
import { ref } from 'vue'
import { listRounds, type SurveyRound } from '../api/survey'

const year = ref(0)
export const useRoundYear = () => year

/** The rounds, newest first; picks the latest when none is chosen (or the chosen one is gone). */
export async function loadRounds(): Promise<SurveyRound[]> {
  const rounds = (await listRounds()).items.sort((a, b) => b.year - a.year)
  if (!rounds.some((r) => r.year === year.value)) year.value = rounds[0]?.year ?? 0
  return rounds
}
