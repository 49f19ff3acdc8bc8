// Labels of the server's codes in the reader's language: the server names states, categories, channels and deadlines in
// Chinese (they are the bureau's own words, and its policy data's); English labels come from the locale, the Chinese from the server.
import { useI18n } from 'vue-i18n'

export function useLabels() {
  const { t, te, locale } = useI18n()
  const english = () => locale.value === 'en'
  return {
    state: (code: string, serverLabel?: string) => (te(`state.${code}`) ? t(`state.${code}`) : serverLabel ?? code),
    category: (code: string, serverLabel?: string) =>
      english() && te(`console.vocab.category.${code}`) ? t(`console.vocab.category.${code}`) : serverLabel ?? code,
    channel: (code: string, serverLabel?: string) =>
      english() && te(`console.vocab.channel.${code}`) ? t(`console.vocab.channel.${code}`) : serverLabel ?? code,
    // An evaluation's band (data/duty/evaluation.toml: excellent, good, pass, fail).
    band: (code: string, serverLabel?: string) =>
      english() && te(`console.vocab.band.${code}`) ? t(`console.vocab.band.${code}`) : serverLabel ?? code,
    // An item of the 五个到位 closing checklist (cases/model.h kChecklist).
    checklist: (code: string, serverLabel?: string) =>
      english() && te(`console.vocab.checklist.${code}`) ? t(`console.vocab.checklist.${code}`) : serverLabel ?? code,
    deadline: (code: string, serverLabel?: string) =>
      english() && te(`portal.vocab.deadline.${code}`) ? t(`portal.vocab.deadline.${code}`) : serverLabel ?? code,
  }
}
