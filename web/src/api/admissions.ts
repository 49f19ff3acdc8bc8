// Admission checks (招生检查): the year's rosters (upload, list, one roster with names masked), the findings the
// admission rules make of them, the office's order to rectify or referral as a case, and the year's report.
import { http, request } from './request'

export interface RosterSummary {
  id: number
  school_id: number
  school: string
  district: string
  students: number
  uploaded_at: string
  plan: number | null
  findings: number
  versions: number
}
export interface Rosters {
  year: number
  items: RosterSummary[]
  students: number
  missing: { school_id: number; school: string; district: string }[]
}
export interface RosterRow {
  row: number
  name: string
  id_number: string
  grade: number
  grade_label: string
  class: string
  route: string
  route_label: string
  score?: number
  fees: { item: string; amount: number; account: string }[]
  registered_school: string
  registered_grade?: number
}
export interface RosterView {
  id: number
  year: number
  school: string
  district: string
  current: boolean
  plan: number | null
  line?: number
  materials: string[]
  students: number
  uploaded_at: string
  rows: RosterRow[]
}
export type FindingState = 'open' | 'ordered' | 'referred' | 'cleared'
export interface Finding {
  id: number
  school_id: number
  school: string
  district: string
  rule: string
  rule_label: string
  clause: string
  roster_id: number
  summary: string
  state: FindingState
  state_label: string
  found_at: string
  cleared_at: string
  numbers: Record<string, unknown>
  rows: number[]
  actions: ('order' | 'refer')[]
  rectification?: { id: number; state: string; due_on: string }
  case_id?: number
}
export interface Findings {
  year: number
  items: Finding[]
  by_rule: Record<string, number>
  by_state: Record<string, number>
  rules: { code: string; label: string }[]
}
export interface Uploaded {
  id: number
  students: number
  findings: { rule: string; label: string; summary: string }[]
  recorded: number
  cleared: number
  replaces: number | null
}
export interface YearReport {
  year: number
  rosters: number
  schools: number
  students: number
  findings: number
  ordered: number
  rectified: number
  referred: number
  cleared: number
  by_rule: { rule: string; label: string; findings: number }[]
  by_district: { district: string; findings: number }[]
  lotteries: { drawn: number; applicants: number; admitted: number; gave_up: number; extra: number }
}

export type LotteryStanding = 'selected' | 'backup' | 'declined' | 'extra'
export interface LotterySummary {
  id: number
  year: number
  school_id?: number
  school: string
  district: string
  grade: number
  grade_label: string
  plan: number
  state: 'committed' | 'released'
  state_label: string
  commitment: string
  venue: string
  requested_at: string
  drawn_at: string
  applicants: number
  admitted: number
  waiting: number
  gave_up: number
  extra: number
  remaining: number
}
export interface Observer {
  role: string
  name: string
}
export interface Recorded {
  code: string
  reason: string
  at?: string
}
export interface LotteryView extends LotterySummary {
  observers: Observer[]
  public_value: string
  declines: Recorded[]
  extras: Recorded[]
  witness_account_id: number
  actions: ('draw' | 'give_up' | 'extra')[]
  rows: { code: string; name: string; id_number: string; position?: number; status?: LotteryStanding }[]
}
export interface PublicLottery extends LotterySummary {
  candidates?: string[]
  public_value?: string
  secret?: string
  seed?: string
  order?: string[]
  count: number
  backups?: number
  declines?: Recorded[]
  calls?: { code: string; status: 'selected' | 'backup' | 'declined' }[]
  extras?: Recorded[]
  observers?: Observer[]
  server_check?: { ok: boolean; passed: string[]; failed: string[] }
}
export interface LotteryRequest {
  year: number
  school_id: number
  grade: number
  plan: number
  witness_account_id: number
  venue?: string
}

export const admissionsApi = {
  rosters: (year: number) => http.get<Rosters>('/api/v1/admissions/rosters', { year }),
  roster: (id: number) => http.get<RosterView>(`/api/v1/admissions/rosters/${id}`),
  upload: (q: { year: number; school_id: number; plan?: number | null; materials?: string }, file: File) => {
    const query: Record<string, string | number> = { year: q.year, school_id: q.school_id }
    if (q.plan) query.plan = q.plan
    if (q.materials) query.materials = q.materials
    return request<Uploaded>('POST', '/api/v1/admissions/rosters', {
      raw: file,
      contentType: file.name.toLowerCase().endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
      query,
    })
  },
  findings: (query: { year: number; rule?: string; state?: string }) => http.get<Findings>('/api/v1/admissions/findings', query),
  order: (id: number, note: string) =>
    http.post<{ id: number; state: string; rectification_id: number; due_on: string }>(`/api/v1/admissions/findings/${id}/order`, { note }),
  refer: (id: number, note: string) => http.post<{ id: number; state: string; case_id: number }>(`/api/v1/admissions/findings/${id}/refer`, { note }),
  report: (year: number) => http.get<YearReport>('/api/v1/admissions/report', { year }),
  lotteries: (year: number) => http.get<{ year: number; items: LotterySummary[] }>('/api/v1/admissions/lotteries', { year }),
  lottery: (id: number) => http.get<LotteryView>(`/api/v1/admissions/lotteries/${id}`),
  requestLottery: (q: LotteryRequest, file: File) => {
    const query: Record<string, string | number> = { ...q, venue: q.venue ?? '' }
    return request<{ id: number; commitment: string; applicants: number }>('POST', '/api/v1/admissions/lotteries', {
      raw: file,
      contentType: file.name.toLowerCase().endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
      query,
    })
  },
  drawLottery: (id: number, body: { public_value: string; observers: Observer[] }) => http.post<LotterySummary>(`/api/v1/admissions/lotteries/${id}/draw`, body),
  giveUp: (id: number, body: Recorded) => http.post<LotterySummary & { promoted: string }>(`/api/v1/admissions/lotteries/${id}/give-ups`, body),
  admitExtra: (id: number, body: Recorded) => http.post<LotterySummary>(`/api/v1/admissions/lotteries/${id}/extras`, body),
  publicLotteries: (year: number) => http.get<{ year: number; items: LotterySummary[] }>('/api/v1/public/lotteries', { year }),
  publicLottery: (id: number) => http.get<PublicLottery>(`/api/v1/public/lotteries/${id}`),
}
