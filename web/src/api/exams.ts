// Exam supervision: exams, their supervised sessions, candidates' score checks (each a case) and their outcomes.
import { http } from './request'

export interface ExamSummary {
  id: number
  year: number
  name: string
  unit_id: number
  unit: string
  sessions: number
  score_checks: number
}
export interface ExamSession {
  id: number
  stage: string
  stage_label: string
  session: string
  held_on: string
  supervisors: { code: string; name: string }[]
  found: string
  problem: boolean
}
export interface ScoreCheck {
  id: number
  case_id: number
  receipt: string
  case_state: string
  candidate: string
  subject: string
  score_before: number
  outcome: '' | 'unchanged' | 'corrected'
  score_after?: number
  difference?: number
  note: string
  answered_at: string
}
export interface ExamView {
  id: number
  year: number
  name: string
  unit_id: number
  unit: string
  sessions: ExamSession[]
  score_checks: ScoreCheck[]
  actions: ('session' | 'score_check' | 'answer')[]
  report: {
    stages: { stage: string; label: string; clause: string; sessions: number; problems: number }[]
    score_checks: number
    answered: number
    corrected: number
    unchanged: number
    points: number
  }
}

export const examsApi = {
  // With `view` ('first', or an exam's id): that exam's view too, in the same answer.
  list: (view?: 'first' | number) => http.get<{ items: ExamSummary[]; view?: ExamView }>('/api/v1/exams', { view }),
  get: (id: number) => http.get<ExamView>(`/api/v1/exams/${id}`),
  create: (body: { year: number; name: string; unit_id: number }) => http.post<{ id: number }>('/api/v1/exams', body),
  recordSession: (id: number, body: { stage: string; session: string; held_on: string; supervisors: string[]; found: string; problem: boolean }) =>
    http.post<{ id: number }>(`/api/v1/exams/${id}/sessions`, body),
  requestCheck: (id: number, body: { candidate_no: string; name: string; phone: string; subject: string; score: number; reason: string }) =>
    http.post<{ id: number; case_id: number; receipt: string }>(`/api/v1/exams/${id}/score-checks`, body),
  answer: (id: number, check: number, body: { outcome: string; score_after?: number | null; note: string }) =>
    http.post<{ id: number; outcome: string; difference?: number }>(`/api/v1/exams/${id}/score-checks/${check}/result`, body),
}
