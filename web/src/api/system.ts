// The system's state for its administrator (GET /api/v1/system/status): release, schema, storage, backups, writer.
import { http } from './request'

export interface SystemStatus {
  version: string
  backend: 'sqlite' | 'postgresql'
  schema: number
  schema_latest: number
  storage: { state: string; since?: string; message?: string }
  ledger_refusal: string
  backup: {
    dir: string
    every_seconds: number
    keep: number
    last_ok: { at: string; file: string; bytes: number } | null
    last_error: { at: string; message: string } | null
    next_at: string
  } | null
  writer: { queue: number; commands: number; commits: number }
  now: string
}

export const systemApi = {
  status: () => http.get<SystemStatus>('/api/v1/system/status'),
}
