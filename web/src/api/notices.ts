// Public notices (公示): the portal's list, masked view and objections; the console's drafts, publication,
// corrections and finality.
import { http, request } from './request'

export interface Column {
  key: string
  label: string
  public: boolean
}

export type NoticeStatus = 'draft' | 'scheduled' | 'open' | 'closed' | 'final' | 'archived'

export interface NoticeHeader {
  id: number
  type: string
  type_name: string
  title: string
  basis: string
  issuing_unit: { id: number; name: string }
  status: NoticeStatus
  status_label: string
  duration: string
  publish_at?: string
  closes_at?: string
  last_day?: string
  final_day?: string
  list_hash?: string
  ledger_seq?: number
}

// A row of the console's list: the header with its counts.
export interface NoticeListItem extends NoticeHeader {
  entries: number
  objections: number
}

export type PublicEntry = Record<string, string | number | boolean> & { seq: number; note?: string; removed?: boolean; corrected?: boolean }

export interface PublicNotice extends NoticeHeader {
  columns: Column[]
  entries: PublicEntry[]
  computed_hash: string
  intact: boolean
  objections_open: boolean
}

export interface NoticeRow {
  seq: number
  row_number: number
  data: Record<string, string | number>
  counted: boolean
  status: 'active' | 'corrected' | 'removed'
  note: string
}

export interface StaffNotice extends NoticeHeader {
  // What the caller may do now (the server decides; the console shows these buttons only).
  actions: ('publish' | 'correct' | 'finalize' | 'archive')[]
  unanswered_objections: number
  columns: Column[]
  public_columns: Column[]
  rows: NoticeRow[]
  preview: PublicEntry[]
  warnings: { field: string; message: string }[]
  intact?: boolean
  objections: { id: number; case_id: number; entry_seq?: number; state: string; created_at: string; answered: boolean }[]
}

export interface NoticeType {
  code: string
  name: string
  duration: string
  basis: string
  columns: Column[]
}

export interface ObjectionBody {
  entry_seq?: number
  name: string
  phone: string
  content: string
}

export const noticesApi = {
  publicList: () => http.get<{ items: NoticeHeader[] }>('/api/v1/public/notices'),
  publicView: (id: number) => http.get<PublicNotice>(`/api/v1/public/notices/${id}`),
  object: (id: number, body: ObjectionBody) =>
    http.post<{ receipt: string; due_on: string; message: string }>(`/api/v1/public/notices/${id}/objections`, body),
  list: () => http.get<{ items: NoticeListItem[]; types: NoticeType[] }>('/api/v1/notices'),
  view: (id: number) => http.get<StaffNotice>(`/api/v1/notices/${id}`),
  create: (type: string, title: string, file: File) =>
    request<{ id: number; rows: number; entries: number; warnings: { field: string; message: string }[] }>('POST', '/api/v1/notices', {
      query: { type, title },
      raw: file,
      contentType: file.name.endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
    }),
  publish: (id: number, publishAt?: string) => http.post<NoticeHeader>(`/api/v1/notices/${id}/publish`, publishAt ? { publish_at: publishAt } : {}),
  correct: (id: number, seq: number, body: { action: 'correct' | 'remove'; note: string; case_id?: number; fields?: Record<string, string | number> }) =>
    http.post<{ note: string; list_hash: string }>(`/api/v1/notices/${id}/entries/${seq}/correct`, body),
  finalize: (id: number) => http.post(`/api/v1/notices/${id}/finalize`),
  archive: (id: number) => http.post(`/api/v1/notices/${id}/archive`),
}
