// Fee declarations (收费公示): a school's charges for a term, the term's declarations with their flags counted, one
// declaration with what the rules flag, and the public's view per school.
import { http } from './request'

export interface Charge {
  kind: string
  item: string
  amount: number
  basis: string
  voluntary: boolean
  subject: string
  list_price: number | null
  kind_label?: string
  cap?: number
}
export interface FeeFlag {
  rule: 'not_approved' | 'over_cap' | 'compulsory' | 'one_per_subject' | 'profit' | 'undeclared'
  summary: string
  clause: string
  charge?: number
  kind_label?: string
  receipts?: string[]
}
export interface DeclarationSummary {
  id: number
  school_id: number
  school: string
  district: string
  declared_at: string
  charges: number
  total: number
  flags: number
}
export interface Declarations {
  term: string
  term_label: string
  items: DeclarationSummary[]
  missing: { school_id: number; school: string; district: string }[]
  kinds: { code: string; label: string; clause: string }[]
}
export interface DeclarationView {
  id: number
  school_id: number
  school: string
  district: string
  term: string
  term_label: string
  declared_at: string
  current: boolean
  total: number
  charges: Charge[]
  flags: FeeFlag[]
}
export interface PublicFees {
  term: string
  term_label: string
  items: { school_id: number; school: string; district: string; declared_at: string; charges: number; total: number }[]
}
export interface PublicDeclaration {
  school_id: number
  school: string
  district: string
  term: string
  term_label: string
  declared_at: string
  total: number
  charges: Charge[]
}

// The terms a page offers: the one today falls in and the three before it ("2026-autumn", "2026-spring", …).
export function recentTerms(today = new Date()): string[] {
  const m = today.getMonth() + 1
  let year = m === 1 ? today.getFullYear() - 1 : today.getFullYear()
  let autumn = m >= 8 || m === 1
  const out: string[] = []
  for (let i = 0; i < 4; i++) {
    out.push(`${year}-${autumn ? 'autumn' : 'spring'}`)
    if (autumn) autumn = false
    else {
      autumn = true
      year -= 1
    }
  }
  return out
}

export const feesApi = {
  declarations: (term: string) => http.get<Declarations>('/api/v1/fees/declarations', { term }),
  declaration: (id: number) => http.get<DeclarationView>(`/api/v1/fees/declarations/${id}`),
  declare: (body: { school_id: number; term: string; charges: Omit<Charge, 'kind_label' | 'cap'>[] }) =>
    http.post<{ id: number; term: string; charges: number; flags: FeeFlag[]; replaces: number | null }>('/api/v1/fees/declarations', body),
  publicSchools: (term: string) => http.get<PublicFees>('/api/v1/public/fees', { term }),
  publicSchool: (schoolId: number, term: string) => http.get<PublicDeclaration>(`/api/v1/public/fees/${schoolId}`, { term }),
}
