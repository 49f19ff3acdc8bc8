// Cases: the public's submission and follow-up by receipt code; the staff list, detail, actions, intake,
// import, supervision and statistics.
import { download, downloadPost, http, request, type FieldError, type Query } from './request'

export interface Term {
  code: string
  label: string
}

export interface Vocabulary {
  categories: Term[]
  channels: Term[]
}

export type Colour = 'none' | 'green' | 'yellow' | 'red'

// A reporting line the bureau publishes (server: data/policies/intake.toml).
export interface Hotline {
  name: string
  number: string
  hours: string
}

export interface Deadline {
  kind: string
  // The server's (Chinese) name of the kind
  label?: string
  start: string
  term: string
  due_on: string
  clause: string
  status: 'open' | 'met' | 'missed' | string
  provisional: boolean
  colour: Colour
  working_days_left?: number
  policy?: string
  calendar_version?: string
  met_at?: string
}

export interface Attachment {
  name: string
  content_base64: string
}

export interface NewCase {
  category: string
  kind?: string
  title: string
  content: string
  occurred_on?: string
  concerned_unit_id?: number
  leadership_accused?: boolean
  anonymous: boolean
  reporter?: { name: string; phone: string; address?: string; notify?: boolean }
  attachments?: Attachment[]
}

export interface StaffRegistration extends NewCase {
  channel: string
  external_ref?: string
  received_at?: string
  concerned_person_ids?: number[]
}

export interface SubmitResult {
  id: number
  receipt: string
  state: string
  state_label: string
  deadlines: Deadline[]
  routing?: { rule: string; basis: string }
  ledger?: { leaf_index: number; receipt?: string; receipt_error?: string }
}

export interface Message {
  at: string
  kind: string
  body: string
  author?: string
  public?: boolean
}

export interface PublicCase {
  receipt: string
  state: string
  state_label: string
  channel: string
  channel_label: string
  category: string
  category_label: string
  title: string
  received_at: string
  satisfaction: number | null
  deadlines: Deadline[]
  messages: Message[]
  actions: string[]
  // How far the item has come, from the first moment
  progress: ProgressStep[]
  // A merged item: the progress of the case it is handled as (never what that case's reporter was told)
  merged_into: { state: string; state_label: string; progress: ProgressStep[]; deadlines: Deadline[] } | null
}
// One step of an item's progress: received, accepted, handling, replied, closed (or declined, merged).
export interface ProgressStep {
  step: string
  at: string | null
  reached: boolean
}

export interface CaseRow {
  id: number
  receipt: string
  channel: string
  channel_label: string
  category: string
  category_label: string
  state: string
  state_label: string
  title: string
  received_at: string
  district: string
  handling_unit_id: number
  handling_unit: string
  concerned_unit: string
  restricted: boolean
  due_on: string | null
  working_days_left?: number
  deadline_colour: Colour
  // Present when the list was searched by words: hits marked U+0002 … U+0003.
  title_highlight?: string
  snippet?: string
}

export interface Notification {
  kind: 'red' | 'yellow' | 'order' | 'reminder' | 'criticism' | 'send_back' | 'redo' | 'refuse_return' | 'approve_return'
  case_id: number
  title: string
  level: number
  at: string
}

export type BatchAction = 'accept' | 'dispatch' | 'sign'
export interface BatchResult {
  done: number
  failed: number
  items: { id: number; ok: boolean; state?: string; state_label?: string; code?: string; detail?: string }[]
}

export interface CasePage {
  items: CaseRow[]
  total: number
  total_capped?: boolean
  // By relevance: ranked over every match, or (a common word whose ranking is still being prepared) among the
  // newest matches only.
  relevance?: 'all' | 'newest'
  offset: number
  limit: number
}

export interface CaseFilter {
  state?: string
  channel?: string
  category?: string
  district?: string
  unit_id?: number
  overdue?: boolean
  mine?: boolean
  q?: string
  from?: string
  to?: string
  sort?: 'received_at' | 'due_on' | 'state' | 'id' | 'relevance'
  order?: 'asc' | 'desc'
}

export interface Supervision {
  id: number
  kind: 'yellow' | 'red' | 'order' | string
  level: number
  deadline_kind: string
  rule: string
  issued_at: string
  issued_by?: string  // who issued it (a staff member by name; 系统 for the automatic cards)
  due_on: string
  note: string
  answer: string
  answered_at?: string
}

export interface ChecklistItem {
  item: string
  label: string
  done: boolean
}

export interface StaffCase {
  id: number
  receipt: string
  channel: string
  channel_label: string
  category: string
  category_label: string
  kind: string
  state: string
  state_label: string
  title: string
  content: string
  occurred_on: string
  received_at: string
  concerned_unit: { id: number; name: string; recognised?: boolean } | null
  handling_unit: { id: number; name: string } | null
  district: string
  restricted: boolean
  leadership_accused: boolean
  anonymous: boolean
  reporter: string
  external_ref: string
  concerned_people: { id: number; name: string }[]
  attachments: { name: string; sha256?: string; size?: number; mime?: string }[]
  outcome: string | null
  findings: string | null
  proposal: string | null
  reply: string | null
  pending_request: string | null
  suspended_since: string | null
  extension_days: number
  version: number
  clocks: Record<string, number>
  deadlines: Deadline[]
  messages: Message[]
  supervision: Supervision[]
  checklist: ChecklistItem[]
  actions: CaseAction[]
  events: CaseEvent[]
  // Whether repeats are offered to this viewer (asked apart: casesApi.repeats)
  repeats_offered: boolean
  satisfaction: number | null
  revisit_satisfaction: number | null
  merged_into: number | null
  // The two sides of a merge, each only where the viewer may see that case
  merged_into_case: CaseLink | null
  merged_cases: CaseLink[]
  prior_case_id: number | null
  received_reason: string | null
  entered_at: string
  redo_count: number
  reviews: CaseReview[]
}

// Another case named on a case's page (a merge's other side).
export interface CaseLink {
  id: number
  receipt: string
  title: string
  state: string
  state_label: string
  received_at: string
}

// A field of an action's form, as the server's per-action table gives it.
export interface ActionField {
  name: string
  kind: 'text' | 'textarea' | 'unit' | 'outcome' | 'days' | 'case' | 'bool' | 'rating' | 'lines' | 'day'
  required: boolean
}

// An action the person may take now, with its form.
export interface CaseAction {
  action: string
  label: string
  fields: ActionField[]
  danger: boolean
  primary: boolean
}

// A review (复查) or re-review (复核): who answers it, forwarded above the bureau or not.
export interface CaseReview {
  kind: 'review' | 'rereview'
  label: string
  requested_at: string
  answered_by: string
  forwarded: boolean
  forwarded_on?: string
  answered_at?: string
  document_ref?: string
}

// One read of a case, opened attachment or opened identity in its access log.
// An alert of the watch for retaliation against reporters (刑法第二百五十四条): an action against a person named like
// an earlier reporter of a substantiated case.
export interface RetaliationAlert {
  id: number
  raised_at: string
  person: { id: number; name: string; unit: string }
  action: { code: 'sanction' | 'decision' | 'talk' | 'case'; label: string; id: number; summary: string }
  report: { case_id: number; receipt: string; title: string; received_at: string; outcome: string; outcome_code: string; concerned_unit: string }
  unit_matches: boolean
  match: string
  review?: { at: string; note: string; by: number }
}

export interface AccessEntry {
  seq: number
  at: string
  kind: 'case.viewed' | 'case.attachment_opened' | 'reporter.identity_opened'
  label: string
  by: string
  unit?: string
  detail?: string // what was opened, in the server's Chinese words (file and reason below, as data)
  file?: string
  reason?: string
  account_id?: number
  case_id?: number // across cases only
  case_title?: string
}

export interface AccessQuery {
  kind?: 'case' | 'file' | 'identity'
  account_id?: number
  from?: string
  to?: string
  before?: number
  limit?: number
}

export interface RepeatCandidate {
  id: number
  receipt: string
  title: string
  channel: string
  channel_label: string
  state: string
  state_label: string
  received_at: string
  similarity: number
  // Why it is offered: the unit both are about, the amounts both name, the weightiest words both use.
  why: { unit: string | null; numbers: string[]; shared: string[] }
}

export interface CaseEvent {
  seq: number
  at: string
  kind: string
  label: string
  by: string
  by_kind: 'staff' | 'system' | 'public'
}

export interface BoardItem {
  id: number
  case_id: number
  kind: string
  level: number
  deadline_kind: string
  rule: string
  issued_at: string
  due_on: string
  answer: string
  unit_id: number
  unit_name: string
  title: string
  state: string
  text?: string  // the letter, for 催办函 and 通报批评
  group: 'red' | 'yellow' | 'order'  // the board's group: orders take the escalation documents
  overdue_working_days?: number  // past its day: a card while its deadline is open, an order while unanswered
}

// An escalation document the supervisor may issue now for an overdue case.
export interface EscalationDue {
  case_id: number
  kind: 'reminder' | 'criticism'
  label: string
  deadline_kind: string
  due_on: string
  title: string
  unit_name: string
  overdue_working_days: number
}

// A long request's progress (GET /api/v1/progress/{token}).
export interface ImportProgress {
  phase: 'reading' | 'checking' | 'importing'
  done: number
  total: number
  finished: boolean
}

export interface ImportReport {
  applied?: number
  would_apply?: number
  dry_run: boolean
  rejected: FieldError[]
  // How the file was read, and what the clerk may settle: unit names found nowhere with the nearest units.
  encoding?: string
  header_row?: number
  warnings?: FieldError[]
  unknown_columns?: string[]
  unmatched_units?: { name: string; candidates: { id: number; name: string }[] }[]
  aliases_added?: number
  // Which header is which field: the profile used, each header with its field, the import's fields.
  profile?: string | null
  columns?: { header: string; field: string | null }[]
  fields?: { field: string; name: string; required: boolean }[]
}

export interface ImportProfile {
  name: string
  mapping: Record<string, string>
}

export interface Count {
  code: string
  label: string
  count: number
}

export interface Stats {
  from: string
  to: string
  total: number
  by_channel: Count[]
  by_category: Count[]
  by_state: Count[]
  by_district: Count[]
  by_month: Count[]
  handling_on_time: number
  handling_late: number
  overdue_now: number
  avg_handling_days: number | null
  replied: number
  settled: number
  rated: number
  satisfied: number
  named: number
  accepted: number  // 办结率 = concluded / accepted
  concluded: number
  acceptance_on_time: number  // 按期受理率 = on time / (on time + late)
  acceptance_late: number
}

// A unit the text of a complaint names (org/names.h).
export interface NamedUnit {
  id: number
  name: string
  kind: string
  district: string
}

export const publicApi = {
  vocabulary: () => http.get<Vocabulary>('/api/v1/public/categories'),
  hotlines: () => http.get<{ items: Hotline[] }>('/api/v1/public/hotlines'),
  units: (q: string) =>
    http.get<{ items: { id: number; name: string; kind: string; district: string; stage: string }[] }>(
      '/api/v1/public/units',
      { q },
    ),
  named: (text: string) =>
    http.post<{ school: NamedUnit | null; units: NamedUnit[]; mentions: { phrase: string; units: NamedUnit[] }[] }>(
      '/api/v1/public/units/named',
      { text },
    ),
  submit: (c: NewCase) => http.post<SubmitResult>('/api/v1/public/cases', c),
  track: (receipt: string) => http.get<PublicCase>(`/api/v1/public/cases/${encodeURIComponent(receipt)}`),
  act: (receipt: string, action: string, body: Record<string, unknown>) =>
    http.post<PublicCase>(`/api/v1/public/cases/${encodeURIComponent(receipt)}/${action}`, body),
  ledgerReceipt: (receipt: string) =>
    http.get<{ receipt: string; leaf_index: number }>(`/api/v1/public/cases/${encodeURIComponent(receipt)}/ledger`),
}

export const casesApi = {
  // A reporter's attached file; the server records the opening before it sends the bytes.
  attachment: (id: number, sha256: string) => downloadPost(`/api/v1/cases/${id}/attachments/${sha256}`, {}),
  list: (f: CaseFilter, offset: number, limit: number, signal?: AbortSignal) =>
    http.get<CasePage>('/api/v1/cases', { ...(f as Query), offset, limit }, signal),
  exportXlsx: (f: CaseFilter) => download('/api/v1/cases/export', f as Query),
  get: (id: number) => http.get<StaffCase>(`/api/v1/cases/${id}`),
  // My work's cards over all of my waiting cases (capped: more to colour than one request reads; the counts a floor).
  alerts: () => http.get<{ red: number; yellow: number; capped?: boolean }>('/api/v1/cases/alerts'),
  repeats: (id: number) => http.get<{ offered: boolean; items: RepeatCandidate[] }>(`/api/v1/cases/${id}/repeats`),
  // Who read the case (访问留痕), for the discipline office.
  retaliationAlerts: (state: 'open' | 'all') =>
    http.get<{ items: RetaliationAlert[]; open: number; watch_years: number; basis: string }>('/api/v1/retaliation-alerts', { state }),
  reviewAlert: (id: number, note: string) =>
    http.post<{ id: number; reviewed_at: string }>(`/api/v1/retaliation-alerts/${id}/review`, { note }),
  accessLog: (id: number) => http.get<{ case_id: number; items: AccessEntry[]; more: boolean }>(`/api/v1/cases/${id}/access-log`),
  // The reads across cases (访问留痕), by kind, person and days, newest first: `before` is the last page's next_before.
  accessLogAcross: (q: AccessQuery) =>
    http.get<{ items: AccessEntry[]; next_before?: number }>('/api/v1/access-log', q as Query),
  act: (id: number, action: string, params: Record<string, unknown>) =>
    http.post<{ id: number; state: string; state_label: string; version: number }>(
      `/api/v1/cases/${id}/transitions`,
      { action, ...params },
    ),
  // One step (受理, 交办 to the routed unit, 签收) on up to 100 cases; each goes ahead or comes back with its reason.
  batch: (action: BatchAction, ids: number[], note?: string) =>
    http.post<BatchResult>('/api/v1/cases/batch-transitions', { action, case_ids: ids, note: note || undefined }),
  register: (c: StaffRegistration) => http.post<SubmitResult>('/api/v1/cases', c, { ledger_receipt: 'deferred' }),
  importFile: (file: File, channel: string, opts: { dryRun?: boolean; acceptValid?: boolean; unitMap?: Record<string, number>; rememberUnits?: boolean; backdateReason?: string; mapping?: Record<string, string>; progress?: string }) =>
    request<ImportReport>('POST', '/api/v1/cases/import', {
      raw: file,
      contentType: file.name.toLowerCase().endsWith('.xlsx')
        ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
        : 'text/csv',
      query: {
        channel, dry_run: opts.dryRun, accept_valid: opts.acceptValid, remember_units: opts.rememberUnits,
        backdate_reason: opts.backdateReason?.trim() || undefined,
        unit_map: opts.unitMap && Object.keys(opts.unitMap).length ? JSON.stringify(opts.unitMap) : undefined,
        mapping: opts.mapping && Object.keys(opts.mapping).length ? JSON.stringify(opts.mapping) : undefined,
        progress: opts.progress,
      },
    }),
  // How far a check or import sent with ?progress=token is (the caller's own).
  importProgress: (token: string) => http.get<ImportProgress>(`/api/v1/progress/${token}`),
  // A platform's column mapping, saved from the preview and recognised from the next file's header.
  importProfiles: () => http.get<{ items: ImportProfile[] }>('/api/v1/import-profiles', { kind: 'cases' }),
  saveImportProfile: (name: string, mapping: Record<string, string>) =>
    http.post<{ name: string }>('/api/v1/import-profiles', { kind: 'cases', name, mapping }),
  // The bell: what the caller must act on, from the last 30 days, newest first.
  notifications: () => http.get<{ items: Notification[]; days: number }>('/api/v1/notifications'),
  board: () => http.get<{ items: BoardItem[]; escalations_due: EscalationDue[] }>('/api/v1/supervision'),
  // The board as narrowed (a kind, a handling unit) as an XLSX workbook.
  exportBoard: (kind: 'red' | 'yellow' | 'order' | '', unitId: number) =>
    download('/api/v1/supervision/export', { kind, unit_id: unitId || undefined }),
  escalate: (caseId: number, kind: EscalationDue['kind']) =>
    http.post<{ id: number; text: string }>(`/api/v1/cases/${caseId}/escalations`, { kind }),
  issueOrder: (id: number, note: string, due_working_days: number) =>
    http.post<{ id: number; level: number; due_on: string }>(`/api/v1/cases/${id}/supervision-orders`, {
      note,
      due_working_days,
    }),
  // The discipline office opens a named reporter's identity; the server records the opening before answering.
  openIdentity: (id: number, reason: string) =>
    http.post<{ name: string | null; phone: string | null; address: string | null }>(
      `/api/v1/cases/${id}/reporter-identity`,
      { reason },
    ),
  answerOrder: (orderId: number, answer: string) =>
    http.post<unknown>(`/api/v1/supervision-orders/${orderId}/answer`, { answer }),
  stats: (from: string, to: string) => http.get<Stats>('/api/v1/stats', { from, to }),
}
