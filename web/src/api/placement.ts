// Migrant children's school places (随迁子女): the portal's form data, applications and following by code, objections;
// the console's applications and on-site review, seats, the capacity board and placement runs.
import { downloadPost, http, request } from './request'

export interface PlacementSchool {
  code: string
  name: string
  district: string
  lat_e6: number
  lon_e6: number
  seats: Record<string, number>
}
export interface PlacementForm {
  year: number
  max_choices: number
  grades: number[]
  schools: PlacementSchool[]
  compounds: { id: number; district: string; name: string; lat_e6: number; lon_e6: number }[]
  maps: Record<string, { south: number; west: number; north: number; east: number }>
  tiers: { tier: number; label: string; clause: string }[]
  review_items: { code: string; label: string; grades: number[] }[]
  residence_clause: string
  work_clause: string
  not_required: string[]
  not_required_clause: string
}
export interface Application {
  child_name: string
  guardian_name: string
  guardian_phone: string
  notify?: boolean  // a text message when the placement is published
  district: string
  compound_id: number | null
  point: { lat_e6: number; lon_e6: number } | null
  grade: number
  residence_since: string
  work_proof: string
  housing: string
  tenancy_months: number
  insurance_months: number
  special: string
  choices: string[]
}
export interface Applied {
  ref: string
  code: string
  state: 'submitted' | 'ineligible'
  tier_label: string
  reasons: string[]
  bring: string[]
  not_required: string[]
  message: string
}
export interface Priority {
  tier: number
  km: number
  lottery: string
}
export interface FollowView {
  ref: string
  child: string
  district: string
  grade: number
  state: 'submitted' | 'returned' | 'eligible' | 'ineligible'
  tier: number
  tier_label: string
  reasons: string[]
  reviews: { item: string; label: string; result: 'pending' | 'ok' | 'returned'; reason?: string; due_on?: string }[]
  choices: string[]
  result?: {
    run_id: number
    lottery: string
    school?: { code: string; name: string }
    rank?: number
    chosen?: boolean
    km?: number
    explanation: string
    explained_as?: 'chosen' | 'nearest' | 'full' | 'none'
    above: { code: string; name: string; yours: Priority; last_admitted?: Priority }[]
    decision?: { school: string | null; reason: string }
  }
}
export interface StaffApplication {
  id: number
  ref: string
  child: string
  district: string
  grade: number
  state: string
  tier: number
  tier_label: string
  choices: string[]
}
export interface BoardRow {
  district: string
  grade: number
  seats: number
  entered: number
  eligible: number
  pending: number
  by_tier: Record<string, number>
  warning: string
}
export interface Board {
  year: number
  districts: BoardRow[]
  city: { grade: number; seats: number; eligible: number; pending: number; warning: string }[]
}
export interface RunSummary {
  eligible: number
  placed: number
  chosen: number
  unplaced: string[]
  shortfalls: { district: string; grade: number; children: number; seats: number }[]
  comparison: { da_mean_km: number; flow_mean_km: number; da_total_km: number; flow_total_km: number; flow_placed: number; flow_wronged: number; flow_moved: number }
}
export interface RunView {
  id: number
  year: number
  state: 'committed' | 'run' | 'published'
  commitment: string
  witness_account_id: number
  public_value: string
  summary: Partial<RunSummary>
  record_sha256: string
  published_at: string
}

// Facts a reviewer corrects from the documents seen (each optional); the application is re-assessed.
export interface Corrections {
  residence_since?: string
  work_proof?: string
  housing?: string
  special?: string
  tenancy_months?: number
  insurance_months?: number
}
export interface PlacementNotice {
  run_id: number
  year: number
  published_at: string
  record_sha256: string
  ledger_seq: number | null
  schools?: { code: string; name: string; district: string; children: number }[]
  unplaced?: number
  school?: { code: string; name: string; district: string; children: { ref: string; child: string; grade: number; how: 'choice' | 'district' | 'decision'; rank?: number }[] }
}
export interface PlacementObjection {
  case_id: number
  receipt: string
  case_state: string
  filed_at: string
  run_id: number
  ref: string
  child: string
  district: string
  grade: number
  run_school: { code: string; name: string | null }
  seat: { code: string; name: string | null }
  decision_reason?: string
}

export const placementApi = {
  form: () => http.get<PlacementForm>('/api/v1/public/placement'),
  apply: (a: Omit<Application, 'compound_id' | 'point'> & { compound_id?: number | null; point?: Application['point'] }) => http.post<Applied>('/api/v1/public/placement/applications', a),
  follow: (code: string) => http.get<FollowView>(`/api/v1/public/placement/applications/${encodeURIComponent(code)}`),
  object: (code: string, content: string) =>
    http.post<{ receipt: string; message: string }>(`/api/v1/public/placement/applications/${encodeURIComponent(code)}/objection`, { content }),
  applications: (query: { district?: string; state?: string }) =>
    http.get<{ items: StaffApplication[]; district: string; review_items: { code: string; label: string; grades: number[] }[] }>('/api/v1/placement/applications', query),
  review: (id: number, body: { item: string; result: 'ok' | 'returned'; reason?: string; due_on?: string; corrected?: Corrections }) =>
    http.post<{ state: string; tier: number; tier_label: string; corrected: Record<string, [unknown, unknown]> }>(`/api/v1/placement/applications/${id}/reviews`, body),
  notice: (run: number, school?: string) =>
    http.get<PlacementNotice>(`/api/v1/public/placement/runs/${run}/notice`, school ? { school } : undefined),
  objections: () => http.get<{ items: PlacementObjection[]; district: string; schools: { code: string; name: string; district: string; grades: number[] }[] }>('/api/v1/placement/objections'),
  decide: (run: number, body: { ref: string; to_school?: string; reason: string }) =>
    http.post<{ ledger_seq: number }>(`/api/v1/placement/runs/${run}/decisions`, body),
  setSeats: (code: string, grade: number, seats: number) => request<unknown>('PUT', '/api/v1/placement/seats', { body: { code, grade, seats } }),
  approveSeats: (code: string, grade: number) => http.post<unknown>('/api/v1/placement/seats/approve', { code, grade }),
  board: () => http.get<Board>('/api/v1/placement/board'),
  runs: () => http.get<{ items: { id: number; state: string; requested_at: string; published_at: string; eligible?: number; placed?: number; chosen?: number; witness_account_id: number }[] }>('/api/v1/placement/runs'),
  requestRun: (witness: number) => http.post<{ id: number; commitment: string }>('/api/v1/placement/runs', { witness_account_id: witness }),
  run: (id: number) => http.get<RunView>(`/api/v1/placement/runs/${id}`),
  draw: (id: number, value: string) => http.post<{ summary: RunSummary }>(`/api/v1/placement/runs/${id}/draw`, { public_value: value }),
  classList: (id: number, school: string) => downloadPost(`/api/v1/placement/runs/${id}/class-list`, { school }),
  letters: (id: number, school: string) => downloadPost(`/api/v1/placement/runs/${id}/letters`, { school }),
  publish: (id: number) => http.post<{ record_sha256: string }>(`/api/v1/placement/runs/${id}/publish`),
}
