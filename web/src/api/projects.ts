// Livelihood projects (民生工程): the year's projects, one project with its reports, a district's monthly report, and
// the monthly board against 序时进度.
import { download, http } from './request'

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

export const projectsApi = {
  list: (year: number) => http.get<{ year: number; items: ProjectSummary[] }>('/api/v1/projects', { year }),
  board: (year: number, month: number) => http.get<ProjectBoard>('/api/v1/projects/board', { year, month }),
  bulletin: (year: number, month: number) => download('/api/v1/projects/bulletin', { year, month }),
  publicBoard: (year: number, month: number) => http.get<ProjectBoard>('/api/v1/public/projects/board', { year, month }),
  create: (p: NewProject) => http.post<{ id: number; districts: number }>('/api/v1/projects', p),
  report: (id: number, r: ProgressReport) => http.post<{ id: number; month: string; correction: boolean }>(`/api/v1/projects/${id}/reports`, r),
}
