// Translations: Simplified Chinese by default, English as a switch, remembered in this browser. Each language's
// messages are a chunk of their own, fetched for the language in use only (the two together were half of the script
// every first load ran); the app is drawn once they are here (messagesReady).
import { createI18n } from 'vue-i18n'
import { missingCode, reloadFor } from '@/utils/upgrade'

export type Locale = 'zh-CN' | 'en'
const KEY = 'qf.locale'
const bundles: Record<Locale, () => Promise<{ default: Record<string, unknown> }>> = {
  'zh-CN': () => import('./locales/zh-CN'),
  en: () => import('./locales/en'),
}

export function initialLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null
  return saved === 'en' ? 'en' : 'zh-CN'
}

export const i18n = createI18n({ legacy: false, locale: initialLocale(), fallbackLocale: 'zh-CN', messages: {} })

const loading = new Map<Locale, Promise<void>>()
// A language's messages, fetched once.
export function loadLocale(l: Locale): Promise<void> {
  let p = loading.get(l)
  if (!p) {
    p = bundles[l]().then((m) => i18n.global.setLocaleMessage(l, m.default as never))
    p.catch(() => loading.delete(l))  // asked again on the next switch
    loading.set(l, p)
  }
  return p
}
// The language in use, asked for as the app starts (beside the first page's code and data).
export const messagesReady: Promise<void> = loadLocale(initialLocale()).catch(() => undefined)

// The page's language follows the UI's from the first render (screen readers and fonts read <html lang>).
if (typeof document !== 'undefined') document.documentElement.lang = initialLocale()

function apply(l: Locale): void {
  i18n.global.locale.value = l
  localStorage.setItem(KEY, l)
  document.documentElement.lang = l
}
// Switches at once when the language's messages are here, else once they are; when an upgrade replaced them, by
// loading the app afresh in that language.
export function setLocale(l: Locale): Promise<void> {
  if (i18n.global.availableLocales.includes(l)) {
    apply(l)
    return Promise.resolve()
  }
  return loadLocale(l).then(() => apply(l), (e) => {
    if (!missingCode(e) || !reloadFor(`lang:${l}`, window.location.href, () => localStorage.setItem(KEY, l))) throw e
  })
}
