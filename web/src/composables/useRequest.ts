// The loading and failure idiom of every page that calls the API, in one place: `run(call)` marks `loading` while
// the call is under way and shows a failure once (the server's problem text, or the network message when no answer
// came, utils/failure.ts); `showFailure(e)` shows it for a call made outside `run`.
// A page starts its first calls in setup, not in onMounted: the request is under way while the page mounts, and its
// answer is still read after the page is mounted (the browser hands it over in a later task).
import { computed, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { failure } from '@/utils/failure'

export { failure }

export function showFailure(e: unknown): void {
  ElMessage.error(failure(e))
}

// `loading` holds while any of the page's calls is under way, so that a page may make its calls side by side
// (`Promise.all([run(a), run(b)])`) rather than one after another.
export function useRequest() {
  const pending = ref(0)
  const loading = computed(() => pending.value > 0)
  async function run<T>(call: () => Promise<T>): Promise<T | undefined> {
    pending.value++
    try {
      return await call()
    } catch (e) {
      showFailure(e)
      return undefined
    } finally {
      pending.value--
    }
  }
  return { loading, run }
}
