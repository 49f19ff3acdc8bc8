// Dates and times as the bureau reads them: China Standard Time, whatever the browser's zone.
const zone = 'Asia/Shanghai'

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
})
const dateOnly = new Intl.DateTimeFormat('zh-CN', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })

function parts(f: Intl.DateTimeFormat, d: Date): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of f.formatToParts(d)) out[p.type] = p.value
  return out
}

// "2026-05-14T07:41:00.000Z" → "2026-05-14 15:41"
export function formatCst(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = parts(dateTime, d)
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`
}

// The CST calendar day of an instant, "YYYY-MM-DD".
export function cstDay(d: Date = new Date()): string {
  const p = parts(dateOnly, d)
  return `${p.year}-${p.month}-${p.day}`
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
