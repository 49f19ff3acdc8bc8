// Labels of the server's codes in the reader's language: the server names states, categories, channels and deadlines in
// Chinese (they are the bureau's own words, and its policy data's); English labels come from the locale (its `vocab`
// sections, English only), the Chinese from the server.
import { useI18n } from 'vue-i18n'

export function useLabels() {
  const { t, te, locale } = useI18n()
  const english = () => locale.value === 'en'
  // The label of a code in one vocabulary: English from `${vocab}.${code}` when there is one, else the server's.
  const word = (vocab: string) => (code: string, serverLabel?: string, params: Record<string, unknown> = {}) =>
    english() && te(`${vocab}.${code}`) ? t(`${vocab}.${code}`, params) : serverLabel ?? code
  return {
    state: (code: string, serverLabel?: string) => (te(`state.${code}`) ? t(`state.${code}`) : serverLabel ?? code),
    category: word('console.vocab.category'),
    channel: word('console.vocab.channel'),
    // An evaluation's band (data/duty/evaluation.toml: excellent, good, pass, fail).
    band: word('console.vocab.band'),
    // An item of the 五个到位 closing checklist (cases/model.h kChecklist).
    checklist: word('console.vocab.checklist'),
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
    // Who took a timeline event when it was not a member of staff (by_kind system or public).
    actor: word('console.vocab.actor'),
    // A review's kind (review, rereview) and a supervision order's level (first, again: the server's rule text).
    reviewKind: word('console.vocab.reviewKind'),
    order: (level: number, serverRule: string) => word('console.vocab.order')(level > 1 ? 'again' : 'first', serverRule, { n: level }),
    // A kind of read in the access log (访问留痕: case.viewed, case.attachment_opened, reporter.identity_opened).
    accessKind: (kind: string, serverLabel: string) => {
      const key = `console.accessKind.${kind.replace('.', '_')}`
      return te(key) ? t(key) : serverLabel
    },
    // What put a person on the watch list (cases/watch.cc: sanction, decision, talk, case).
    watchAction: word('console.vocab.watchAction'),
    // A level of the conduct survey's scale (data/duty/survey.toml: very, fair, basic, no).
    scale: word('portal.vocab.scale'),
    // A column of the quarterly bulletin (reports/bulletin_store.cc kColumns).
    bulletinColumn: word('portal.vocab.bulletinColumn'),
    // A bulletin's quarter from its first day ("2026-04-01": 第二季度, Q2).
    quarter: (from: string) => t(`portal.bulletins.quarterName.${Math.ceil(Number(from.slice(5, 7)) / 3)}`),
    // Why an inspection campaign's sample holds a school (drawn, weighted, hotspot: inspect/sampling.cc).
    sampled: (why: string | undefined, weight: number | undefined, serverReason: string) =>
      word('portal.vocab.sampled')(why ?? '', serverReason, { w: (weight ?? 1).toFixed(2) }),
    // An admission check's rule and an admission route (data/admissions/rules.toml).
    admissionRule: word('console.vocab.admissionRule'),
    route: word('console.vocab.route'),
    // What a placement application's answer says (submitted, ineligible: placement_store.cc).
    applied: word('portal.vocab.applied'),
    deadline: word('portal.vocab.deadline'),
  }
}
