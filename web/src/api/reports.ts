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
  city_students: number
  schools: Hotspot[]
  districts: Hotspot[]
}

export const reportsApi = {
  hotspots: (from: string, to: string) => http.get<HotspotReport>('/api/v1/hotspots', { from, to }),
  summary: (half: string) => download('/api/v1/reports/summary', { half }),
  bulletin: (quarter: string, format: 'docx' | 'xlsx') => download('/api/v1/reports/bulletin', { quarter, format }),
}
