// The submission form's state and its checks, kept apart from the page so they can be tested.
import type { NewCase } from '@/api/cases'

export interface SubmitForm {
  category: string
  unit: number | undefined
  leadership: boolean
  title: string
  content: string
  occurredOn: string
  anonymous: boolean
  name: string
  phone: string
  address: string
  notify: boolean  // told of acceptance and the reply by text message
  agree: boolean
}

export const maxFiles = 5
export const maxFileBytes = 5 * 1024 * 1024

export function emptyForm(): SubmitForm {
  return { category: '', unit: undefined, leadership: false, title: '', content: '', occurredOn: '', anonymous: true, name: '', phone: '', address: '', notify: false, agree: false }
}

export const phonePattern = /^[0-9+\- ]{7,20}$/

// The request body for the form (identity only when named).
export function toNewCase(f: SubmitForm, attachments: { name: string; content_base64: string }[]): NewCase {
  const c: NewCase = {
    category: f.category,
    title: f.title.trim(),
    content: f.content.trim(),
    anonymous: f.anonymous,
  }
  if (f.unit) c.concerned_unit_id = f.unit
  if (f.unit && f.leadership) c.leadership_accused = true
  if (f.occurredOn) c.occurred_on = f.occurredOn
  if (!f.anonymous)
    c.reporter = { name: f.name.trim(), phone: f.phone.trim(), ...(f.address.trim() ? { address: f.address.trim() } : {}), ...(f.notify ? { notify: true } : {}) }
  if (attachments.length) c.attachments = attachments
  return c
}

export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => {
      const s = String(r.result)
      resolve(s.slice(s.indexOf(',') + 1))
    }
    r.onerror = () => reject(r.error)
    r.readAsDataURL(file)
  })
}

// The server's field names mapped onto the form's (reporter.phone → phone).
export function formFieldOf(serverField: string): string {
  const map: Record<string, string> = {
    concerned_unit_id: 'unit', occurred_on: 'occurredOn', 'reporter.name': 'name', 'reporter.phone': 'phone',
    'reporter.address': 'address', reporter: 'name', leadership_accused: 'leadership',
  }
  if (serverField.startsWith('attachments')) return 'attachments'
  return map[serverField] ?? serverField
}

// A draft of the form kept on this device until it is submitted, so that a tap on a header link or a closed tab
// loses nothing. Never the identity (name, phone, address: a shared phone must not keep who reported) nor the
// attachments; the unit with its name, so that the picker can show it again.
export interface SubmitDraft {
  category: string
  unit?: { id: number; name: string; district: string }
  leadership: boolean
  title: string
  content: string
  occurredOn: string
}

export const draftKey = 'qf.submit.draft'

// Whether the person has typed anything worth keeping (and worth a warning before leaving).
export function hasTyped(f: SubmitForm): boolean {
  return f.title.trim() !== '' || f.content.trim() !== ''
}

export function toDraft(f: SubmitForm, unit?: { id: number; name: string; district: string }): SubmitDraft {
  return {
    category: f.category,
    ...(unit && unit.id === f.unit ? { unit } : {}),
    leadership: f.leadership,
    title: f.title,
    content: f.content,
    occurredOn: f.occurredOn,
  }
}

// The draft kept in `storage`, or null when there is none (or it cannot be read).
export function readDraft(storage: Storage): SubmitDraft | null {
  try {
    const d = JSON.parse(storage.getItem(draftKey) ?? 'null') as SubmitDraft | null
    return d && typeof d.title === 'string' && typeof d.content === 'string' ? d : null
  } catch {
    return null
  }
}

export function keepDraft(storage: Storage, f: SubmitForm, unit?: { id: number; name: string; district: string }) {
  if (hasTyped(f)) storage.setItem(draftKey, JSON.stringify(toDraft(f, unit)))
  else storage.removeItem(draftKey)
}
