// Pools, auditable draws and supervisor assignments (console), and the public record of a draw (portal).
import { http, request, type FieldError } from './request'

export type Pool = 'expert' | 'inspector' | 'supervisor'
export type DrawState = 'committed' | 'drawn' | 'released'

export interface DrawCall {
  code: string
  status: 'selected' | 'backup' | 'declined'
  reason?: string
  declined_at?: string
  name?: string
  unit?: string
  specialty?: string
  title?: string
}

export interface DrawSummary {
  id: number
  purpose: string
  pool: Pool
  pool_label: string
  count: number
  backups?: number
  state: DrawState
  requested_at: string
  commitment?: string
  released_at?: string
  mine?: boolean
}

export interface StaffDraw extends DrawSummary {
  conditions: { specialty: string; title: string; region: string }
  recusal: Record<string, unknown>
  requested_by: string
  witness: string
  witness_account_id: number
  candidates: number
  is_witness: boolean
  // What the caller may do now (the server decides; the console shows these buttons only).
  actions: ('draw' | 'decline' | 'release' | 'conclude' | 'recuse')[]
  is_requester: boolean
  sealed: boolean
  excluded?: { code: string; reason: string; name?: string }[]
  public_value?: string
  drawn_at?: string
  calls?: DrawCall[]
  secret?: string
}

// The public record: everything needed to recompute a released draw (docs/draws.md).
export interface PublicDraw extends DrawSummary {
  conditions: { specialty: string; title: string; region: string }
  candidate_count: number
  excluded_count: number
  candidates?: string[]
  public_value?: string
  drawn_at?: string
  secret?: string
  seed?: string
  order?: string[]
  declines?: { code: string; reason: string }[]
  calls?: DrawCall[]
  server_check?: { ok: boolean; passed: string[]; failed: string[] }
}

export interface Member {
  code: string
  name: string
  unit: string
  unit_id: number
  specialty: string
  title: string
  region: string
  active: boolean
  last_selected?: string
}

export interface DrawRequest {
  purpose: string
  pool: Pool
  count: number
  backups: number
  witness_account_id: number | null
  conditions: { specialty?: string; title?: string; region?: string }
  applicant_unit_id?: number
  cooldown_days?: number
}

export interface Placement {
  supervisor: string
  name: string
  site: string
  site_name: string
  km: number
  why: string
}

export interface Assignment {
  id: number
  title: string
  created_at?: string
  feasible: boolean
  total_km: number
  supervisors: number
  sites: { code: string; name: string; quota: number; assigned: number }[]
  placements: Placement[]
  problems: string[]
  unused: string[]
}

export interface SiteInput {
  code: string
  host_unit_id: number | null
  examinee_unit_ids: number[]
  quota: number
}

export const drawsApi = {
  publicList: () => http.get<{ items: DrawSummary[] }>('/api/v1/public/draws'),
  publicRecord: (id: number) => http.get<PublicDraw>(`/api/v1/public/draws/${id}`),
  list: () => http.get<{ items: DrawSummary[] }>('/api/v1/draws'),
  view: (id: number) => http.get<StaffDraw>(`/api/v1/draws/${id}`),
  witnesses: () => http.get<{ items: { id: number; display_name: string }[] }>('/api/v1/draw-witnesses'),
  create: (body: DrawRequest) => http.post<{ id: number; commitment: string; candidates: number }>('/api/v1/draws', body),
  draw: (id: number, publicValue: string) => http.post<{ calls: DrawCall[] }>(`/api/v1/draws/${id}/draw`, { public_value: publicValue }),
  decline: (id: number, code: string, reason: string) =>
    http.post<{ calls: DrawCall[]; shortfall?: string }>(`/api/v1/draws/${id}/decline`, { code, reason }),
  release: (id: number) => http.post<{ secret: string }>(`/api/v1/draws/${id}/release`),
  pool: (pool: Pool) => http.get<{ items: Member[]; label: string }>(`/api/v1/pools/${pool}`),
  importPool: (pool: Pool, file: File) =>
    request<{ applied: number; rejected: FieldError[] }>('POST', `/api/v1/pools/${pool}/import`, {
      raw: file,
      contentType: file.name.endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
    }),
  // The assignments, and the draws whose result may be placed (released supervisor draws: the server's rule).
  assignments: () =>
    http.get<{
      items: { id: number; title: string; created_at: string; feasible: boolean; total_km: number }[]
      sources: { id: number; purpose: string; released_at: string }[]
    }>('/api/v1/assignments'),
  assignment: (id: number) => http.get<Assignment>(`/api/v1/assignments/${id}`),
  assign: (body: { title: string; draw_id?: number; sites: SiteInput[] }) => http.post<Assignment>('/api/v1/assignments', body),
}
