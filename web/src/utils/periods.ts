// Periods of days (CST calendar days, "YYYY-MM-DD") for the dashboard: its shortcuts (this month, quarter and year to
// date; the same days a year earlier) and the period it compares with (the same number of days just before, or the
// same days a year earlier).
export type Period = [string, string]

const day = (s: string) => new Date(`${s}T00:00:00Z`)
const text = (d: Date) => d.toISOString().slice(0, 10)
const pad = (n: number) => String(n).padStart(2, '0')

export function monthToDate(today: string): Period {
  return [`${today.slice(0, 7)}-01`, today]
}
export function quarterToDate(today: string): Period {
  const month = Number(today.slice(5, 7))
  return [`${today.slice(0, 4)}-${pad(month - ((month - 1) % 3))}-01`, today]
}
export function yearToDate(today: string): Period {
  return [`${today.slice(0, 4)}-01-01`, today]
}
// A day a year earlier; 29 February becomes the 28th.
function yearBefore(s: string): string {
  const y = Number(s.slice(0, 4)) - 1
  const md = s.slice(5) === '02-29' ? '02-28' : s.slice(5)
  return `${y}-${md}`
}
export function sameDaysLastYear(p: Period): Period {
  return [yearBefore(p[0]), yearBefore(p[1])]
}
// As many days as `p` has, ending the day before it begins.
export function previousPeriod(p: Period): Period {
  const days = Math.round((day(p[1]).getTime() - day(p[0]).getTime()) / 86400000) + 1
  const end = new Date(day(p[0]).getTime() - 86400000)
  const start = new Date(end.getTime() - (days - 1) * 86400000)
  return [text(start), text(end)]
}
