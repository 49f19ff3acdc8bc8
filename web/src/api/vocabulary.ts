// The staff vocabulary: reference data the console must not hard-code (GET /api/v1/vocabulary), each entry from
// the server module that owns it.
import { http } from './request'
import type { Term } from './cases'

export interface StaffVocabulary {
  case_states: { code: string; label: string; terminal: boolean }[]
  case_limits: { export_max_rows: number; extension_max_days: number; order_max_working_days: number }
  districts: string[]
  stages: string[]
  pools: Term[]
  inspection: { rectification_term: string; rectification_clause: string; answer_types: string[] }
  admissions?: { lottery: { observer_roles: string[]; required_roles: string[]; clause: string } }
  exams?: { stages: { code: string; label: string; clause: string }[] }
  fees?: { kinds: { code: string; label: string; clause: string }[]; items: { kind: string; name: string; cap: number }[] }
}

export const vocabularyApi = {
  staff: () => http.get<StaffVocabulary>('/api/v1/vocabulary'),
}
