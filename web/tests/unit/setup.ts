// Both languages' messages are fetched before any test (the app fetches the one in use: src/i18n.ts), so that a test
// may switch language at once.
import { loadLocale } from '@/i18n'

await Promise.all([loadLocale('zh-CN'), loadLocale('en')])
