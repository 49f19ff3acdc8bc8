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
  agree: boolean
}

export const maxFiles = 5
export const maxFileBytes = 5 * 1024 * 1024

export function emptyForm(): SubmitForm {
  return { category: '', unit: undefined, leadership: false, title: '', content: '', occurredOn: '', anonymous: true, name: '', phone: '', address: '', agree: false }
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
  if (!f.anonymous) c.reporter = { name: f.name.trim(), phone: f.phone.trim(), ...(f.address.trim() ? { address: f.address.trim() } : {}) }
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
