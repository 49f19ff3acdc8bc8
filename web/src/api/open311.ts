// The Open311 client platforms (GeoReport v2): the administrator's list, issuing a platform's api_key (shown once)
// and revoking it.
import { http } from './request'

export interface Open311Client {
  id: number
  name: string
  channel: string
  channel_label: string
  key_hint: string
  issued_at: string
  revoked_at: string | null
  revoke_reason: string | null
  requests: number
}

export interface IssuedClient {
  id: number
  name: string
  channel: string
  api_key: string
}

export const open311Api = {
  clients: () => http.get<{ items: Open311Client[] }>('/api/v1/open311/clients'),
  issue: (name: string, channel: string) => http.post<IssuedClient>('/api/v1/open311/clients', { name, channel }),
  revoke: (id: number, reason: string) => http.post<{ ok: boolean }>(`/api/v1/open311/clients/${id}/revoke`, { reason }),
}
