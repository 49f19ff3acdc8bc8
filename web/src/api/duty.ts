// The responsibility system (党风廉政建设责任制): the year's board of tasks with progress reports and the office's
// decisions, the plan imported from the office's sheet, responsibility letters and their signature, integrity talks.
import { download, http, request } from './request'

export type Progress = 'pending' | 'reported' | 'done_on_time' | 'done_late' | 'overdue'
export interface DutyDeadline {
  period: string
  due_on: string
  progress: Progress
  progress_label: string
  reported_on: string | null
  cards: number
  actions?: string[]
}
export interface DutyTask {
  id: number
  area: string
  area_seq: number
  seq: number
  title: string
  lead_unit_id: number
  lead_unit: string
  schedule: 'once' | 'quarterly'
  basis: string
  evidence: string
  deadlines: DutyDeadline[]
  overdue: boolean
  open: boolean
  actionable_periods: string[]
}
export interface ProgressCounts {
  done_on_time: number
  done_late: number
  reported: number
  overdue: number
  pending: number
}
export interface DutyBoard {
  year: number
  plan: { id: number; title: string } | null
  tasks: DutyTask[]
  by_area: (ProgressCounts & { area: string; seq: number })[]
  by_unit: (ProgressCounts & { unit: string; unit_id: number })[]
}
export interface EvidenceLink {
  kind: 'case' | 'campaign' | 'notice'
  ref: string
}
export interface DutyTaskView {
  id: number
  area: string
  title: string
  lead_unit: string
  cooperating: { id: number; name: string }[]
  schedule: string
  basis: string
  evidence: string
  year: number
  deadlines: DutyDeadline[]
  reports: { id: number; period: string; unit: string; at: string; text: string; links: EvidenceLink[]; state: 'submitted' | 'accepted' | 'returned'; decided_at: string | null; reason: string }[]
}
export interface LetterSummary {
  id: number
  year: number
  unit_id: number
  unit: string
  unit_kind: string
  district: string
  issuer: string
  content_sha256: string
  issued_at: string
  due_on: string
  signed: boolean
  overdue: boolean
  signer_name: string | null
  signed_at: string | null
}
export interface LetterView extends LetterSummary {
  content: { title: string; year: number; issuer: string; unit: string; basis: string; clauses: string[]; items: { seq: number; text: string; points: number }[] }
  content_matches: boolean
  actions: string[]
  cards: { kind: string; due_on: string; issued_at: string }[]
}
export interface Talk {
  id: number
  kind: 'routine' | 'pre_appointment' | 'reminder' | 'admonition'
  kind_label: string
  confidential: boolean
  held_on: string
  unit_id: number
  unit: string
  person_name: string
  person_post: string
  talker: string
  follow_up_on: string | null
  notice_id: number | null
  points?: string
  commitments?: string
}
export interface NewTalk {
  kind: Talk['kind']
  held_on: string
  unit_id: number | null
  person_name: string
  person_post: string
  talker: string
  points: string
  commitments: string
  follow_up_on: string
}

export const dutyApi = {
  board: (year: number) => http.get<DutyBoard>('/api/v1/duty/board', { year }),
  task: (id: number) => http.get<DutyTaskView>(`/api/v1/duty/tasks/${id}`),
  report: (id: number, body: { period: string; text: string; links: EvidenceLink[] }) =>
    http.post<{ id: number; state: string }>(`/api/v1/duty/tasks/${id}/reports`, body),
  decide: (id: number, body: { period: string; accept: boolean; reason?: string }) =>
    http.post<{ progress: Progress; progress_label: string }>(`/api/v1/duty/tasks/${id}/decisions`, body),
  importPlan: (year: number, file: File) =>
    request<{ areas: number; tasks: number; deadlines: number }>('POST', '/api/v1/duty/plans', {
      raw: file,
      contentType: file.name.toLowerCase().endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
      query: { year },
    }),
  letters: (query: { year: number; kind?: string; signed?: string; limit?: number; offset?: number }) =>
    http.get<{ total: number; signed: number; unsigned: number; overdue: number; items: LetterSummary[] }>('/api/v1/duty/letters', query),
  letter: (id: number) => http.get<LetterView>(`/api/v1/duty/letters/${id}`),
  sign: (id: number, contentSha256: string) =>
    http.post<{ signed: boolean; signer_name: string; signed_at: string; ledger_seq: number }>(`/api/v1/duty/letters/${id}/sign`, { content_sha256: contentSha256 }),
  document: (id: number) => download(`/api/v1/duty/letters/${id}/document`),
  exportLetters: (year: number) => download('/api/v1/duty/letters/export', { year }),
  issue: (year: number) => http.post<{ issued: number; due_on: string }>('/api/v1/duty/letters/issue', { year }),
  talks: (year: number) =>
    http.get<{ total: number; by_kind: { kind: string; label: string; count: number }[]; by_unit: { unit: string; count: number }[]; items: Talk[] }>('/api/v1/duty/talks', { year }),
  talk: (id: number) => http.get<Talk>(`/api/v1/duty/talks/${id}`),
  recordTalk: (t: NewTalk) => {
    const body: Record<string, unknown> = { ...t }
    for (const k of ['person_post', 'commitments', 'follow_up_on'] as const) if (!t[k]) delete body[k]
    return http.post<{ id: number }>('/api/v1/duty/talks', body)
  },
  // The rules tests: the office's bank and tests; the taker's side by personal code.
  questions: () => http.get<{ active: number; items: { id: number; kind: string; stem: string; options: string[]; answer: string; rule: string; active: boolean }[] }>('/api/v1/duty/questions'),
  importQuestions: (file: File) =>
    request<{ added: number; updated: number }>('POST', '/api/v1/duty/questions/import', {
      raw: file,
      contentType: file.name.toLowerCase().endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
    }),
  exams: () => http.get<{ items: ExamSummary[] }>('/api/v1/duty/exams'),
  createExam: (e: { title: string; opens_at: string; closes_at: string; minutes: number; questions: number; pass_percent: number; attempts: number }) =>
    http.post<{ id: number; bank: number }>('/api/v1/duty/exams', e),
  exam: (id: number) => http.get<ExamResults>(`/api/v1/duty/exams/${id}`),
  enrol: (id: number, unitIds: number[]) =>
    http.post<{ enrolled: number; codes: { name: string; unit: string; code: string }[] }>(`/api/v1/duty/exams/${id}/enrol`, { unit_ids: unitIds }),
  start: (code: string) => http.post<ExamPaper>('/api/v1/public/exams/start', { code }),
  answer: (code: string, position: number, choice: string) =>
    http.post<{ position: number; choice: string; seconds_left: number }>('/api/v1/public/exams/answer', { code, position, choice }),
  submit: (code: string) => http.post<ExamResult>('/api/v1/public/exams/submit', { code }),
}

export interface ExamSummary {
  id: number
  title: string
  opens_at: string
  closes_at: string
  questions: number
  pass_percent: number
  enrolled: number
  tested: number
}
export interface ExamResults {
  id: number
  title: string
  bank: number
  opens_at: string
  closes_at: string
  minutes: number
  questions: number
  pass_percent: number
  enrolled: number
  tested: number
  passed: number
  pass_rate: number
  average: number
  distribution: { band: string; count: number }[]
  most_missed: { stem: string; rule: string; answer: string; answered: number; missed: number }[]
  flagged: { attempt_id: number; attempt: number; score: number; flags: string[]; submitted_at: string; person: string; unit: string }[]
  by_unit: { unit: string; enrolled: number; tested: number; passed: number }[]
}
export interface ExamQuestion {
  position: number
  kind: 'single' | 'multiple' | 'judge'
  stem: string
  options: string[]
  yours: string | null
}
export interface ExamPaper {
  state: 'open'
  title: string
  attempt: number
  attempts: number
  deadline_at: string
  seconds_left: number
  questions: ExamQuestion[]
}
export interface ExamResult {
  state: 'submitted'
  correct: number
  total: number
  score: number
  pass_percent: number
  passed: boolean
  review: { position: number; stem: string; kind: string; options: string[]; yours: string | null; answer: string; correct: boolean; rule: string }[]
}

// ---- The year-end evaluation (考核) and accountability (问责) ----
export interface RecordRef {
  kind: string
  ref: string
  label: string
  day?: string
}
export interface EvaluationBand {
  code: string
  label: string
  min: number
  no_item_at_zero: boolean
  count: number
}
export interface EvaluationUnit {
  unit_id: number
  unit: string
  kind: string
  district: string
  total: number | null
  band?: string
  band_label?: string
  unscored: number
  score_so_far: number
}
export interface Evaluation {
  id: number
  year: number
  title: string
  state: 'draft' | 'final'
  as_of: string
  basis: string
  bands: EvaluationBand[]
  unscored: number
  units: EvaluationUnit[]
}
export interface SheetItem {
  id: string
  section: string
  text: string
  points: number
  score: number | null
  computed: boolean
  measure?: string
  evidence?: string
  computation: string
  refs: RecordRef[]
  note: string
  links: RecordRef[]
  scored_by: string
  scored_at: string
  letter_item?: { seq: number; text: string }
}
export interface UnitSheet {
  evaluation_id: number
  year: number
  title: string
  state: 'draft' | 'final'
  as_of: string
  unit_id: number
  unit: string
  kind: string
  table: string
  basis: string
  total: number | null
  band?: string
  band_label?: string
  letter_id: number | null
  score_so_far: number
  items: SheetItem[]
}
export interface Decision {
  id: number
  year: number
  kind: string
  kind_label: string
  unit_id: number
  unit: string
  person_name: string
  person_post: string
  clause: { source: 'letter' | 'rule'; text: string; title?: string; item?: number; letter_id?: number }
  decided_on: string
  decided_by: string
  facts?: RecordRef[]
  text?: string
}
export interface NewDecision {
  year: number
  kind: string
  unit_id: number | null
  person_name: string
  person_post: string
  letter_item?: number
  rule?: string
  facts: { kind: string; ref: string }[]
  decided_on: string
  decided_by: string
  text: string
}

export const evaluationApi = {
  year: (year: number) => http.get<{ year: number; evaluation: Evaluation | null }>('/api/v1/duty/evaluations', { year }),
  open: (year: number, kinds: string[]) =>
    http.post<{ id: number; units: number; as_of: string }>('/api/v1/duty/evaluations', { year, kinds }),
  sheet: (id: number, unit: number) => http.get<UnitSheet>(`/api/v1/duty/evaluations/${id}/units/${unit}`),
  own: (year: number) => http.get<{ year: number; sheet: UnitSheet | null }>('/api/v1/duty/my-evaluation', { year }),
  score: (id: number, unit: number, item: string, body: { score: number; note: string; links: { kind: string; ref: string }[] }) =>
    request<{ score: number }>('PUT', `/api/v1/duty/evaluations/${id}/units/${unit}/items/${encodeURIComponent(item)}`, { body }),
  recompute: (id: number) => http.post<{ as_of: string; changed: number }>(`/api/v1/duty/evaluations/${id}/recompute`),
  finalise: (id: number) => http.post<{ state: string; bands: Record<string, number> }>(`/api/v1/duty/evaluations/${id}/finalise`),
  decisions: (year: number) => http.get<{ year: number; by_kind: Record<string, number>; items: Decision[] }>('/api/v1/duty/decisions', { year }),
  decision: (id: number) => http.get<Decision>(`/api/v1/duty/decisions/${id}`),
  decide: (d: NewDecision) => http.post<{ id: number }>('/api/v1/duty/decisions', d),
}

// ---- Warning-education sessions (警示教育) ----
export interface SessionSummary {
  id: number
  title: string
  place: string
  held_at: string
  units: number
  attended: number
  people: number
}
export interface SessionView {
  id: number
  title: string
  place: string
  held_at: string
  opens_at: string
  closes_at: string
  open: boolean
  code?: string
  code_seconds_left?: number
  by_unit: { unit_id: number; unit: string; people: number; attended: number }[]
}
export interface PublicSession {
  id: number
  title: string
  place: string
  held_at: string
  opens_at: string
  closes_at: string
  open: boolean
  units: { unit_id: number; unit: string }[]
}
export const sessionApi = {
  list: (year: number) => http.get<{ sessions: number; attended: number; items: SessionSummary[] }>('/api/v1/duty/sessions', { year }),
  create: (s: { title: string; place: string; held_at: string; unit_ids: number[] }) =>
    http.post<{ id: number; opens_at: string; closes_at: string }>('/api/v1/duty/sessions', s),
  view: (id: number) => http.get<SessionView>(`/api/v1/duty/sessions/${id}`),
  page: (id: number) => http.get<PublicSession>(`/api/v1/public/sessions/${id}`),
  checkIn: (id: number, c: { code: string; unit_id: number | null; name: string }) =>
    http.post<{ session_id: number; title: string; signed_in_at: string }>(`/api/v1/public/sessions/${id}/checkin`, c),
}

// ---- The public's rating (政风行风评议) ----
export interface SurveyRate {
  n: number
  rate: number | null
  margin: number | null
  small: boolean
}
export interface SurveySummary {
  id: number
  title: string
  opens_at: string
  closes_at: string
  codes: number
  answered: number
}
export interface SurveyResults {
  id: number
  title: string
  opens_at: string
  closes_at: string
  basis: string
  min_sample: number
  codes: number
  answered: number
  overall: SurveyRate
  by_question: (SurveyRate & { id: string; text: string; levels: { code: string; label: string; count: number }[] })[]
  by_district: (SurveyRate & { district: string })[]
  by_school: (SurveyRate & { unit_id: number; school: string; district: string; codes: number })[]
  comments: { school: string; comment: string; at: string }[]
}
export interface SurveyForm {
  title: string
  school: string
  closes_at: string
  questions: { id: string; text: string }[]
  scale: { code: string; label: string }[]
}
export const surveyApi = {
  list: () => http.get<{ items: SurveySummary[] }>('/api/v1/duty/surveys'),
  results: (id: number) => http.get<SurveyResults>(`/api/v1/duty/surveys/${id}`),
  create: (s: { title: string; opens_at: string; closes_at: string; per_school: number; unit_ids: number[] }) =>
    http.post<{ id: number; schools: number; codes: { school: string; code: string }[] }>('/api/v1/duty/surveys', s),
  open: (code: string) => http.post<SurveyForm>('/api/v1/public/surveys/open', { code }),
  answer: (code: string, answers: string[], comment: string) =>
    http.post<{ answered: boolean }>('/api/v1/public/surveys/answer', { code, answers, comment }),
}

// ---- The self-evaluation index (政风行风自评指数) ----
export interface IndexComponent {
  id: string
  label: string
  measure: string
  weight: number
  min_base: number
  per_item: number
}
export interface IndexComponentValue {
  id: string
  counted: boolean
  value: number | null
  base: number
  computation: string
}
export interface SelfIndexUnit {
  unit_id: number
  name: string
  district: string
  index: number | null
  computation: string
  components: IndexComponentValue[]
}
export interface SelfIndex {
  year: number
  kind: string
  from: string
  as_of: string
  title: string
  basis: string
  formula: IndexComponent[]
  units: SelfIndexUnit[]
}
export const selfIndexApi = {
  year: (year: number, kind: string) => http.get<SelfIndex>('/api/v1/duty/self-index', { year, kind }),
}
