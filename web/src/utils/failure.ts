// What to tell a person when a call failed: the server's problem text, or the network message when no answer came.
import { ApiError } from '@/api/request'
import { i18n } from '@/i18n'

export function failure(e: unknown): string {
  return e instanceof ApiError ? e.message : i18n.global.t('msg.network')
}
