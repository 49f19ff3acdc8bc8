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

// Another name of a unit (former name, nickname) that complaints are matched against.
export interface Alias {
  id: number
  unit_id: number
  alias: string
  kind: 'short' | 'former' | 'other'
  added_at: string
}

export const orgApi = {
  units: (q: { q?: string; kind?: string; district?: string; limit?: number }) =>
    http.get<{ items: Unit[] }>('/api/v1/units', q),
  aliases: (unit: number) => http.get<{ items: Alias[]; forms: string[] }>(`/api/v1/units/${unit}/aliases`),
  addAlias: (unit: number, body: { alias: string; kind: string }) => http.post<{ id: number }>(`/api/v1/units/${unit}/aliases`, body),
  removeAlias: (unit: number, alias: number) => http.delete<{ removed: boolean }>(`/api/v1/units/${unit}/aliases/${alias}`),
}
