// Livelihood projects (民生工程): the year's projects, one project with its reports, sites and linked complaints, a
// district's monthly report with its evidence, and the monthly board against 序时进度.
import type { CaseRow } from './cases'
import { download, http, request } from './request'

export interface ProjectSummary {
  id: number
  name: string
  measure: string
  unit: string
  person: string
  funds_due_on: string
  works_due_on: string
  districts: number
  quantity: number
  funds: number
}
export interface BoardRow {
  unit_id: number
  unit: string
  rank: number
  target_quantity: number
  target_funds: number
  reported_month: string
  quantity_pct: number
  funds_pct: number
  spent_pct: number
  index: number
  laggard: boolean
  quantity_done?: number
  funds_in_place?: number
  funds_spent?: number
}
export interface ProjectBoard {
  year: number
  month: string
  schedule_pct: number
  laggard_points: number
  clause: string
  projects: { id: number; name: string; measure: string; rows: BoardRow[] }[]
  districts: { unit_id: number; unit: string; index: number; rank: number; behind: string[] }[]
  laggards: { unit: string; project: string; index: number; behind: number; reported: boolean }[]
}
export interface NewProject {
  year: number
  name: string
  measure: string
  person: string
  unit_id: number
  targets: { unit_id: number; quantity: number; funds: number }[]
}
export interface ProgressReport {
  unit_id: number
  month: string
  quantity_done: number
  funds_in_place: number
  funds_spent: number
  note?: string
}

export interface ReportFile {
  sha256: string
  name: string
  mime: string
  size: number
  added_at: string
}
export interface ProjectSite {
  id: number
  unit_id: number
  code: string
  name: string
  school: boolean
  address: string
  district_unit_id: number
  district: string
  works: string
  added_at: string
}
export interface ProjectDetail {
  id: number
  year: number
  name: string
  measure: string
  unit: string
  person: string
  funds_due_on: string
  works_due_on: string
  targets: {
    unit_id: number
    unit: string
    quantity: number
    funds: number
    reports: { month: string; quantity_done: number; funds_in_place: number; funds_spent: number; note: string; reported_at: string; files: ReportFile[] }[]
  }[]
  sites: ProjectSite[]
  complaints: CaseRow[]
  complaints_linked: number
}
export interface NewSite {
  district_unit_id: number
  school_id?: number
  name?: string
  address?: string
  works?: string
}

export const projectsApi = {
  get: (id: number) => http.get<ProjectDetail>(`/api/v1/projects/${id}`),
  addSite: (id: number, s: NewSite) => http.post<{ id: number; unit_id: number; name: string }>(`/api/v1/projects/${id}/sites`, s),
  link: (id: number, caseId: number) => http.post<{ moved_from: number | null }>(`/api/v1/projects/${id}/cases`, { case_id: caseId }),
  unlink: (id: number, caseId: number) => http.delete(`/api/v1/projects/${id}/cases/${caseId}`),
  ofCase: (caseId: number) => http.get<{ project: { id: number; year: number; name: string } | null }>(`/api/v1/cases/${caseId}/project`),
  evidence: (id: number, unitId: number, month: string, file: File) =>
    request<{ sha256: string }>('POST', `/api/v1/projects/${id}/evidence`, { query: { unit_id: unitId, month, name: file.name }, raw: file,
      contentType: file.type || 'application/octet-stream' }),
  evidenceUrl: (id: number, sha256: string) => `/api/v1/projects/${id}/evidence/${sha256}`,
  list: (year: number) => http.get<{ year: number; items: ProjectSummary[] }>('/api/v1/projects', { year }),
  board: (year: number, month: number) => http.get<ProjectBoard>('/api/v1/projects/board', { year, month }),
  bulletin: (year: number, month: number) => download('/api/v1/projects/bulletin', { year, month }),
  publicBoard: (year: number, month: number) => http.get<ProjectBoard>('/api/v1/public/projects/board', { year, month }),
  create: (p: NewProject) => http.post<{ id: number; districts: number }>('/api/v1/projects', p),
  report: (id: number, r: ProgressReport) => http.post<{ id: number; month: string; correction: boolean }>(`/api/v1/projects/${id}/reports`, r),
}
