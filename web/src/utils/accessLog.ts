// The access log as the discipline office reads it (a case's, or across cases): consecutive reads of the same case by
// the same person, each within ten minutes of the next (a page reloaded after each action), shown as one row with their
// count and span; the server keeps every read.
import type { AccessEntry } from '@/api/cases'

export interface AccessRow extends AccessEntry {
  first: string // the earliest read of the row (the entry's own time when it stands alone)
  count: number
}

export function groupReads(items: AccessEntry[], windowMs = 10 * 60 * 1000): AccessRow[] {
  const rows: AccessRow[] = []
  for (const e of items) {
    // Newest first: a row grows backwards in time.
    const prev = rows[rows.length - 1]
    const joins =
      prev && e.kind === 'case.viewed' && prev.kind === 'case.viewed' && prev.by === e.by && prev.unit === e.unit &&
      prev.case_id === e.case_id &&
      Date.parse(prev.first) - Date.parse(e.at) <= windowMs
    if (joins) {
      prev.first = e.at
      prev.count++
    } else {
      rows.push({ ...e, first: e.at, count: 1 })
    }
  }
  return rows
}
