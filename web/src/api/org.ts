// Units of the org tree (schools, bureaus, offices) for pickers.
import { http } from './request'

export interface Unit {
  id: number
  code?: string
  name: string
  kind: string
  district: string
  stage: string
  parent_id?: number
}

export const orgApi = {
  units: (q: { q?: string; kind?: string; district?: string; limit?: number }) =>
    http.get<{ items: Unit[] }>('/api/v1/units', q),
}
