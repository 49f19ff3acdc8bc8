// Hotspots and the bureau's documents (half-year summary, quarterly bulletin).
import { download, http } from './request'

export interface Hotspot {
  unit_id: number
  name: string
  district: string
  category: string
  category_label: string
  kind: 'rate' | 'spike'
  count: number
  expected: number
  p: number
  explanation: string
}

export interface HotspotReport {
  from: string
  to: string
  fdr: number
  spike_alpha: number
  city_students: number
  schools: Hotspot[]
  districts: Hotspot[]
}

// The half-year summary's text as the office edits it; {{placeholders}} are filled from the records.
export interface SummaryNarrative {
  title: string
  intro: string
  sections: { heading: string; paragraphs: string[] }[]
}

export interface NarrativeView {
  half: string
  version: number // 0: the bureau's template
  narrative: SummaryNarrative
  versions: { version: number; note: string; saved_by: string; saved_at: string }[]
  placeholders: { name: string; about: string }[]
  to_write: number
}

export const reportsApi = {
  hotspots: (from: string, to: string) => http.get<HotspotReport>('/api/v1/hotspots', { from, to }),
  summary: (half: string, version?: number) => download('/api/v1/reports/summary', { half, version }),
  narrative: (half: string, version?: number) => http.get<NarrativeView>('/api/v1/reports/summary/narrative', { half, version }),
  saveNarrative: (half: string, body: SummaryNarrative & { note: string }) =>
    http.post<{ half: string; version: number }>('/api/v1/reports/summary/narrative', body, { half }),
  bulletin: (quarter: string, format: 'docx' | 'xlsx') => download('/api/v1/reports/bulletin', { quarter, format }),
}
