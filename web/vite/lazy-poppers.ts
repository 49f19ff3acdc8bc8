// Element Plus draws the contents of a closed dropdown: its pickers give their popper `persistent` unconditionally, so
// every date picker builds its calendar (two months of day cells for a range: 84 components and ~600 elements) while
// closed, and a select keeps its options mounted (`persistent` defaults to true) — 25–50 ms of a page's first draw on
// the pages with a date field, a form's worth of options on the others. This build step draws them when a dropdown
// first opens instead. Time pickers keep their panel (their input reads its default value from it), as does a picker
// that does not open on focus (a typed date is parsed by the panel); a select still shows the label of its value
// (Element reads the options from its slot while closed), and a template may still ask for `:persistent="true"`.
// Element Plus is pinned by the lockfile; if a line this changes is ever gone, the build fails rather than quietly
// drawing closed dropdowns again.
import type { Plugin } from 'vite'

const EDITS = [
  {
    file: '/element-plus/es/components/time-picker/src/common/picker.vue_vue_type_script_setup_true_lang.mjs',
    from: 'persistent: "",',
    to: 'persistent: isTimePicker.value || !props.automaticDropdown,',
    also: ['const isTimePicker', 'const props = __props'],
  },
  {
    file: '/element-plus/es/components/select/src/select.mjs',
    from: 'persistent: {\n\t\ttype: Boolean,\n\t\tdefault: true\n\t},',
    to: 'persistent: {\n\t\ttype: Boolean,\n\t\tdefault: false\n\t},',
    also: ['@description when select dropdown is inactive and `persistent` is `false`'],
  },
]

export function lazyPoppers(): Plugin {
  return {
    name: 'qf-lazy-poppers',
    transform(code, id) {
      const edit = EDITS.find((e) => id.replaceAll('\\', '/').endsWith(e.file))
      if (!edit) return null
      if (code.split(edit.from).length !== 2 || !edit.also.every((s) => code.includes(s)))
        this.error(`lazy-poppers: Element Plus's ${edit.file} has changed (${id}); see web/vite/lazy-poppers.ts`)
      return { code: code.replace(edit.from, edit.to), map: null }
    },
  }
}
