// A page of tabs whose lists are fetched when a tab is first shown rather than all when the page opens (the page
// draws sooner and asks the server only for what is read): `loaders` names each tab's fetch, tabs without one fetch
// their own; the open tab's from the start, while the page mounts (composables/useRequest.ts). `reload()` — after a
// change, or for another year — forgets what was fetched and fetches the open tab again.
import { watch, type Ref } from 'vue'

export function useTabData(tab: Ref<string>, loaders: Record<string, () => Promise<unknown>>) {
  const loaded = new Set<string>()
  async function show(name: string) {
    if (loaded.has(name) || !loaders[name]) return
    loaded.add(name)
    await loaders[name]()
  }
  watch(tab, show)
  void show(tab.value)
  async function reload() {
    loaded.clear()
    await show(tab.value)
  }
  return { reload }
}
