// Display formats. Dates come from the API in UTC and are shown in Asia/Taipei (+08:00).
export const TZ = 'Asia/Taipei'

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-TW', {
    timeZone: TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d)
}

export function formatNumber(n: number | null | undefined, locale: string, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—'
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'zh-TW', { maximumFractionDigits: digits }).format(n)
}
