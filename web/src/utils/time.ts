// Dates and times as the bureau reads them: China Standard Time, whatever the browser's zone. CST is UTC+8 all year
// (China has kept no summer time since 1991), so the wall clock is the instant moved by eight hours and read in UTC:
// no Intl time-zone formatter, whose first construction loaded the zone data for ~25 ms of every first page.
const cstOffsetMs = 8 * 3600 * 1000
const pad = (n: number) => String(n).padStart(2, '0')

function cstFields(d: Date): { y: number; m: string; d: string; hh: string; mm: string } {
  const w = new Date(d.getTime() + cstOffsetMs)
  return { y: w.getUTCFullYear(), m: pad(w.getUTCMonth() + 1), d: pad(w.getUTCDate()), hh: pad(w.getUTCHours()), mm: pad(w.getUTCMinutes()) }
}

// "2026-05-14T07:41:00.000Z" → "2026-05-14 15:41"
export function formatCst(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const f = cstFields(d)
  return `${f.y}-${f.m}-${f.d} ${f.hh}:${f.mm}`
}

// A month's short name in the UI's language ("7月", "Jul"): from a table, not an Intl formatter, whose first
// construction loaded the locale's data for ~20 ms of the dashboard's first drawing.
const enMonths = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
export const monthShort = (m: number, locale: string) => (locale === 'en' ? enMonths[m - 1] : `${m}月`)

// The CST calendar day of an instant, "YYYY-MM-DD".
export function cstDay(d: Date = new Date()): string {
  const f = cstFields(d)
  return `${f.y}-${f.m}-${f.d}`
}

// A CST wall-clock time ("YYYY-MM-DD HH:mm") as RFC 3339 with the +08:00 offset, for the API.
export function cstToRfc3339(local: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})/.exec(local)
  if (!m) return local
  return `${m[1]}T${m[2]}:${m[3]}:00+08:00`
}

// First and last CST day of the half-year or quarter that contains `day`.
export function halfOf(day: string): [string, string] {
  const y = day.slice(0, 4)
  return Number(day.slice(5, 7)) <= 6 ? [`${y}-01-01`, `${y}-06-30`] : [`${y}-07-01`, `${y}-12-31`]
}
