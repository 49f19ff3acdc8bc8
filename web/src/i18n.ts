// Translations: Simplified Chinese by default, English as a switch, remembered in this browser.
import { createI18n } from 'vue-i18n'
import zhCommon from './locales/zh-CN/common.json'
import zhPortal from './locales/zh-CN/portal.json'
import zhConsole from './locales/zh-CN/console.json'
import enCommon from './locales/en/common.json'
import enPortal from './locales/en/portal.json'
import enConsole from './locales/en/console.json'

export type Locale = 'zh-CN' | 'en'
const KEY = 'qf.locale'

export function initialLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null
  return saved === 'en' ? 'en' : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: {
    'zh-CN': { ...zhCommon, portal: zhPortal, console: zhConsole },
    en: { ...enCommon, portal: enPortal, console: enConsole },
  },
})

// The page's language follows the UI's from the first render (screen readers and fonts read <html lang>).
if (typeof document !== 'undefined') document.documentElement.lang = initialLocale()

export function setLocale(l: Locale): void {
  i18n.global.locale.value = l
  localStorage.setItem(KEY, l)
  document.documentElement.lang = l
}
