// Turning an action's form into the body the server's transition endpoint takes. Which actions a person may take,
// and which fields each asks for, come from the server with the case (`actions`); nothing here restates them.
import type { ActionField, CaseAction } from '@/api/cases'

// The request body for an action from its form values: empty optional fields left out, lines split.
export function actionBody(spec: Pick<CaseAction, 'fields'>, values: Record<string, unknown>, version: number): Record<string, unknown> {
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
export function missingFields(spec: Pick<CaseAction, 'fields'>, values: Record<string, unknown>): string[] {
  return spec.fields
    .filter((fl: ActionField) => fl.required)
    .filter((fl) => {
      const v = values[fl.name]
      return v === undefined || v === null || (typeof v === 'string' && !v.trim())
    })
    .map((fl) => fl.name)
}
