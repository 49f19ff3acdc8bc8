// The loading and failure idiom of every page that calls the API, in one place: `run(call)` marks `loading` while
// the call is under way and shows a failure once (the server's problem text, or the network message when no answer
// came, utils/failure.ts); `showFailure(e)` shows it for a call made outside `run`.
import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { failure } from '@/utils/failure'

export { failure }

export function showFailure(e: unknown): void {
  ElMessage.error(failure(e))
}

export function useRequest() {
  const loading = ref(false)
  async function run<T>(call: () => Promise<T>): Promise<T | undefined> {
    loading.value = true
    try {
      return await call()
    } catch (e) {
      showFailure(e)
      return undefined
    } finally {
      loading.value = false
    }
  }
  return { loading, run }
}
