// Element Plus's pickers give their popper `persistent` unconditionally, so every date picker builds its calendar
// (two months of day cells for a range: 84 components and ~600 elements) while closed, on every page with a date
// field — 25–50 ms of a page's first draw. This build step renders a date picker's panel when it first opens instead.
// Time pickers keep theirs (their input reads its default value from the panel), as does a picker that does not open
// on focus (a typed date is parsed by the panel). Element Plus is pinned by the lockfile; if the line this changes is
// ever gone, the build fails rather than quietly drawing calendars again.
import type { Plugin } from 'vite'

const PICKER = '/element-plus/es/components/time-picker/src/common/picker.vue_vue_type_script_setup_true_lang.mjs'
const FROM = 'persistent: "",'
const TO = 'persistent: isTimePicker.value || !props.automaticDropdown,'

export function lazyDatePanels(): Plugin {
  return {
    name: 'qf-lazy-date-panels',
    transform(code, id) {
      if (!id.replaceAll('\\', '/').endsWith(PICKER)) return null
      if (code.split(FROM).length !== 2 || !code.includes('const isTimePicker') || !code.includes('const props = __props'))
        this.error(`lazy-date-panels: Element Plus's picker has changed (${id}); see web/vite/lazy-date-panels.ts`)
      return { code: code.replace(FROM, TO), map: null }
    },
  }
}
