// Notifications: one's own choices (where e-mail goes, in which language, which groups) and the outbox for the
// administrator and the discipline office (counts, the rows of a state, a dead letter sent again).
import { http } from './request'

export type NotifyGroup = 'cases' | 'cards' | 'escalations' | 'rectifications'

export interface NotifyPrefs {
  email: string
  locale: 'zh-CN' | 'en'
  groups: NotifyGroup[]
  all_groups: NotifyGroup[]
}

export interface OutboxItem {
  id: number
  kind: string
  kind_label: string
  channel: 'email' | 'sms'
  attempts: number
  created_at: string
  next_at: string | null
  sent_at: string | null
  last_error: string | null
  case_id: number | null
  to: { account?: string; reporter_of_case?: number; guardian_of_application?: number }
}

export interface Outbox {
  state: 'pending' | 'sent' | 'dead'
  counts: { pending: number; sent: number; dead: number }
  items: OutboxItem[]
}

export const notifyApi = {
  prefs: () => http.get<NotifyPrefs>('/api/v1/me/notify'),
  savePrefs: (p: { email: string; locale: string; groups: NotifyGroup[] }) => http.post<{ ok: boolean }>('/api/v1/me/notify', p),
  outbox: (state: Outbox['state']) => http.get<Outbox>('/api/v1/notify/outbox', { state }),
  retry: (id: number) => http.post<{ ok: boolean }>(`/api/v1/notify/outbox/${id}/retry`),
}
