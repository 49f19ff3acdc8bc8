// Special inspections: campaigns and their audited sample, checklists, rectification orders, sanctions and the
// quarterly bulletin (console); the published bulletins and campaign records (portal).
import { http, request } from './request'

export type AnswerType = 'yesno' | 'number' | 'amount' | 'text' | 'evidence'

export interface ChecklistItem {
  key: string
  label: string
  basis: string
  answer: AnswerType
  term?: string  // rectification term of a finding on this item, e.g. 10wd
}

export interface CampaignSummary {
  id: number
  title: string
  period_from: string
  period_to: string
  state: 'planned' | 'committed' | 'sampled' | 'closed'
  state_label: string
  lead_unit: string
  schools: number
  rectifications: number
  open_rectifications: number
}

export interface Group {
  id: number
  name: string
  leader: string
  members: string[]
  schools: string[]
  load: number
}

export interface Campaign extends Omit<CampaignSummary, 'schools' | 'rectifications' | 'open_rectifications'> {
  scope: { districts: string[]; stages: string[]; fees_term?: string; projects?: number[] }
  rate: number
  minimums: Record<string, number>
  groups_planned: number
  group_size: number
  people: number  // inspectors in all (groups may differ in size by one)
  checklist: ChecklistItem[]
  commitment: string
  // What the caller may do now (the server decides; the console shows these buttons only).
  actions: ('commit' | 'draw' | 'publish_results')[]
  is_witness: boolean
  witness?: string
  strata?: { label: string; population: number; quota: number }[]
  frame?: { code: string; name: string; stratum: string; weight: number; included: boolean; reason?: string }[]
  public_value?: string
  secret?: string
  sample?: { code: string; name: string; stratum: string; reason: string; why?: string; weight?: number; group_id: number }[]
  groups?: Group[]
  forms?: { form_id: number; school: string; district: string; state: string; state_label: string; findings: number; group: string; rectifications_open: number }[]
}

export interface FormSummary {
  id: number
  campaign: string
  school: string
  district: string
  state: 'open' | 'draft' | 'submitted' | 'confirmed'
  state_label: string
  group: string
  is_leader: boolean
  period_from: string
  period_to: string
}

export type Answer = boolean | number | string | string[] | null

export interface Finding {
  item: string
  description: string
}

export interface InspectionForm {
  id: number
  campaign_id: number
  campaign: string
  school: string
  state: FormSummary['state']
  state_label: string
  actions: ('save' | 'submit' | 'add_evidence' | 'confirm')[]
  version: number
  checklist: ChecklistItem[]
  answers: Record<string, Answer>
  findings: Finding[]
  leader: string
  is_leader: boolean
  period_from: string
  period_to: string
}

export interface Rectification {
  id: number
  campaign: string
  school: string
  district: string
  item: string
  finding: string
  term: string
  due_on: string
  state: 'open' | 'answered' | 'accepted'
  state_label: string
  actions: ('answer' | 'add_evidence' | 'check')[]
  answer: string
  evidence: string[]
  check_note: string
  rounds: number
  issued_at: string
  cards: string[]
  colour?: 'green' | 'yellow' | 'red'
  working_days_left?: number
}

export interface Sanction {
  id: number
  target: 'unit' | 'person'
  unit: string
  person: string
  kind: string
  label: string
  reason: string
  basis: string
  decided_on: string
  until_on: string
  self_criticism: boolean
  veto_years?: string
}

export interface SanctionKind {
  code: string
  label: string
  target: 'unit' | 'person' | 'both'
  months: number
  basis: string
}

export interface Refund {
  id: number
  school: string
  district: string
  amount: number
  pupils: number
  refunded_on: string
  note: string
}

export interface BulletinSnapshot {
  quarter: string
  year: number
  from: string
  to: string
  as_of: string
  columns: { key: string; label: string }[]
  totals: Record<string, number>
  districts: (Record<string, number> & { district: string })[]
  units: (Record<string, number> & { unit: string; district: string })[]
  // The quarter's special oversight in the bureau's words (bulletins drafted before it was kept have none).
  oversight?: { topic: 'admissions' | 'lotteries' | 'fees' | 'exams' | 'projects'; text: string }[]
}

export interface Bulletin {
  id: number
  quarter: string
  state: 'draft' | 'approved' | 'published'
  snapshot: BulletinSnapshot
  narrative: string
  drafted_at: string
  hash?: string
  checkpoint?: string
  approved_at?: string
  approved_by?: string
  published_at?: string
  intact?: boolean
  // Staff only: what the caller may do now (the server decides; the console shows these buttons only).
  actions?: ('redraft' | 'edit' | 'approve' | 'publish')[]
}

const upload = (path: string, file: File) =>
  request<{ sha256: string }>('POST', path, { query: { name: file.name }, raw: file, contentType: file.type || 'application/octet-stream' })

export const inspectApi = {
  campaigns: () => http.get<{ items: CampaignSummary[] }>('/api/v1/campaigns'),
  campaign: (id: number) => http.get<Campaign>(`/api/v1/campaigns/${id}`),
  create: (body: unknown) => http.post<{ id: number }>('/api/v1/campaigns', body),
  commit: (id: number, witness: number) => http.post<{ commitment: string }>(`/api/v1/campaigns/${id}/commit`, { witness_account_id: witness }),
  draw: (id: number, publicValue: string) => http.post(`/api/v1/campaigns/${id}/draw`, { public_value: publicValue }),
  publishResults: (id: number) =>
    http.post<{ results_sha256: string; late: boolean }>(`/api/v1/campaigns/${id}/publish-results`, {}),
  myForms: () => http.get<{ items: FormSummary[] }>('/api/v1/inspections/mine'),
  form: (id: number) => http.get<InspectionForm>(`/api/v1/inspections/${id}`),
  save: (id: number, body: { version: number; answers: Record<string, Answer>; findings: Finding[]; submit: boolean }) =>
    http.post<{ state: string; version: number }>(`/api/v1/inspections/${id}/save`, body),
  confirm: (id: number) => http.post<{ rectifications: { id: number; due_on: string }[] }>(`/api/v1/inspections/${id}/confirm`),
  formEvidence: (id: number, file: File) => upload(`/api/v1/inspections/${id}/evidence`, file),
  rectifications: () => http.get<{ items: Rectification[] }>('/api/v1/rectifications'),
  rectificationEvidence: (id: number, file: File) => upload(`/api/v1/rectifications/${id}/evidence`, file),
  answer: (id: number, answer: string, evidence: string[]) => http.post(`/api/v1/rectifications/${id}/answer`, { answer, evidence }),
  check: (id: number, decision: 'accept' | 'return', note: string) => http.post(`/api/v1/rectifications/${id}/check`, { decision, note }),
  sweep: () => http.post<{ issued: number }>('/api/v1/rectifications/sweep'),
  sanctions: () => http.get<{ items: Sanction[]; kinds: SanctionKind[]; refunds: Refund[] }>('/api/v1/sanctions'),
  sanction: (body: unknown) => http.post('/api/v1/sanctions', body),
  refund: (body: unknown) => http.post('/api/v1/refunds', body),
  bulletins: () => http.get<{ items: Bulletin[] }>('/api/v1/bulletins'),
  bulletin: (id: number) => http.get<Bulletin>(`/api/v1/bulletins/${id}`),
  draftBulletin: (quarter: string) => http.post<{ id: number }>('/api/v1/bulletins', { quarter }),
  narrative: (id: number, narrative: string) => http.post(`/api/v1/bulletins/${id}/narrative`, { narrative }),
  approve: (id: number) => http.post(`/api/v1/bulletins/${id}/approve`),
  publish: (id: number) => http.post(`/api/v1/bulletins/${id}/publish`),
  publicBulletins: () => http.get<{ items: Bulletin[] }>('/api/v1/public/bulletins'),
  publicBulletin: (id: number) => http.get<Bulletin>(`/api/v1/public/bulletins/${id}`),
}
