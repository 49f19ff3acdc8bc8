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
    // A timeline event (cases/views.cc EventsJson): its own English label, else the action's ("反映人…" when the
    // reporter took it with the receipt code).
    event: (kind: string, serverLabel: string) => {
      if (!english()) return serverLabel
      const key = `console.vocab.event.${kind.replace('.', '_')}`
      if (te(key)) return t(key)
      const name = kind.slice(kind.indexOf('.') + 1)
      const action = name.replace(/^public_/, '')
      if (!te(`console.act.${action}`)) return serverLabel
      return name === action ? t(`console.act.${action}`) : t('console.vocab.byReporter', { action: t(`console.act.${action}`) })
    },
    // A level of the conduct survey's scale (data/duty/survey.toml: very, fair, basic, no).
    scale: (code: string, serverLabel?: string) =>
      english() && te(`portal.vocab.scale.${code}`) ? t(`portal.vocab.scale.${code}`) : serverLabel ?? code,
    // A column of the quarterly bulletin (reports/bulletin_store.cc kColumns).
    bulletinColumn: (code: string, serverLabel?: string) =>
      english() && te(`portal.vocab.bulletinColumn.${code}`) ? t(`portal.vocab.bulletinColumn.${code}`) : serverLabel ?? code,
    // A bulletin's quarter from its first day ("2026-04-01": 第二季度, Q2).
    quarter: (from: string) => t(`portal.bulletins.quarterName.${Math.ceil(Number(from.slice(5, 7)) / 3)}`),
    // Why an inspection campaign's sample holds a school (drawn, weighted, hotspot; inspect/campaigns_store.cc).
    sampled: (why: string | undefined, weight: number | undefined, serverReason: string) =>
      english() && why && te(`portal.vocab.sampled.${why}`) ? t(`portal.vocab.sampled.${why}`, { w: (weight ?? 1).toFixed(2) }) : serverReason,
    // An admission check's rule and an admission route (data/admissions/rules.toml).
    admissionRule: (code: string, serverLabel?: string) =>
      english() && te(`console.vocab.admissionRule.${code}`) ? t(`console.vocab.admissionRule.${code}`) : serverLabel ?? code,
    route: (code: string, serverLabel?: string) =>
      english() && te(`console.vocab.route.${code}`) ? t(`console.vocab.route.${code}`) : serverLabel ?? code,
    deadline: (code: string, serverLabel?: string) =>
      english() && te(`portal.vocab.deadline.${code}`) ? t(`portal.vocab.deadline.${code}`) : serverLabel ?? code,
  }
}
