// What each staff action asks for, as the server's transition endpoint expects it (server/cases/cases_store.cc).
// The server decides which actions a person may take now; this only shapes their forms.

export type FieldKind = 'text' | 'textarea' | 'unit' | 'outcome' | 'days' | 'case' | 'bool' | 'rating' | 'lines'

export interface ActionField {
  name: string
  kind: FieldKind
  required: boolean
}

export interface ActionSpec {
  fields: ActionField[]
  danger?: boolean   // shown in red and confirmed
  primary?: boolean  // the main step forward
}

const f = (name: string, kind: FieldKind, required = true): ActionField => ({ name, kind, required })
const note = f('note', 'textarea', false)

export const actionSpecs: Record<string, ActionSpec> = {
  accept: { fields: [note], primary: true },
  decline: { fields: [f('reason', 'textarea')], danger: true },
  // Without a unit the case goes to the unit its routing rule chose.
  dispatch: { fields: [f('unit_id', 'unit', false), note, f('redact', 'lines', false)], primary: true },
  sign: { fields: [note], primary: true },
  request_return: { fields: [f('reason', 'textarea')] },
  approve_return: { fields: [note] },
  refuse_return: { fields: [f('reason', 'textarea')] },
  verify: { fields: [f('findings', 'textarea')], primary: true },
  propose: { fields: [f('outcome', 'outcome'), f('proposal', 'textarea')], primary: true },
  approve_proposal: { fields: [note], primary: true },
  send_back: { fields: [f('reason', 'textarea')], danger: true },
  reply: { fields: [f('reply', 'textarea')], primary: true },
  revisit: { fields: [f('satisfaction', 'rating', false), note], primary: true },
  close: { fields: [note], primary: true },
  request_extension: { fields: [f('days', 'days'), f('reason', 'textarea')] },
  approve_extension: { fields: [note] },
  refuse_extension: { fields: [note] },
  suspend: { fields: [f('reason', 'textarea')], danger: true },
  resume: { fields: [note] },
  merge: { fields: [f('into_case_id', 'case'), note], danger: true },
  ask_reporter: { fields: [f('question', 'textarea')] },
  answer_review: { fields: [f('answer', 'textarea')], primary: true },
  answer_rereview: { fields: [f('answer', 'textarea')], primary: true },
  verify_real_name: { fields: [f('verified', 'bool'), note] },
}

// The request body for an action from its form values: empty optional fields left out, lines split.
export function actionBody(action: string, values: Record<string, unknown>, version: number): Record<string, unknown> {
  const spec = actionSpecs[action] ?? { fields: [note] }
  const body: Record<string, unknown> = { version }
  for (const field of spec.fields) {
    const v = values[field.name]
    if (v === undefined || v === null || v === '') continue
    if (field.kind === 'lines') {
      const lines = String(v).split('\n').map((s) => s.trim()).filter(Boolean)
      if (lines.length) body[field.name] = lines
    } else if (field.kind === 'text' || field.kind === 'textarea') {
      const s = String(v).trim()
      if (s) body[field.name] = s
    } else {
      body[field.name] = v
    }
  }
  return body
}

// Missing required fields, by name.
export function missingFields(action: string, values: Record<string, unknown>): string[] {
  const spec = actionSpecs[action]
  if (!spec) return []
  return spec.fields
    .filter((fl) => fl.required)
    .filter((fl) => {
      const v = values[fl.name]
      return v === undefined || v === null || (typeof v === 'string' && !v.trim())
    })
    .map((fl) => fl.name)
}
