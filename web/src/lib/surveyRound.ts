// The survey round the survey pages show: one choice shared by the pages (0 until the rounds are
// known; then the latest round unless the user picked another), and the rounds to pick from.
import { ref } from 'vue'
import { listRounds, type SurveyRound } from '../api/survey'

const year = ref(0)
const rounds = ref<SurveyRound[]>([])
/** The shared choice and the rounds known (RoundSelect shows them; loadRounds fills them). */
export const useRounds = () => ({ year, rounds })

/** The rounds, newest first; picks the latest when none is chosen (or the chosen one is gone). */
export async function loadRounds(): Promise<SurveyRound[]> {
  rounds.value = (await listRounds()).items.sort((a, b) => b.year - a.year)
  if (!rounds.value.some((r) => r.year === year.value)) year.value = rounds.value[0]?.year ?? 0
  return rounds.value
}

/** loadRounds for a page: '' when it worked, else the message to show. */
export async function refreshRounds(): Promise<string> {
  try {
    await loadRounds()
    return ''
  } catch (e) {
    return (e as Error).message
  }
}
