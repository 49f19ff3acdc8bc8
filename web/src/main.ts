import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/theme-chalk/base.css'
// Styles of the services called from code (the resolver only sees components in templates).
import 'element-plus/es/components/message/style/css'
import './styles.css'
import App from './App.vue'
import { router } from './router'
import { i18n, messagesReady } from './i18n'
import { setUnauthorizedHandler } from './api/request'
import { useSession } from './stores/session'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia).use(router).use(i18n)

// A staff request that finds the session gone sends the user to sign in, then back.
setUnauthorizedHandler(() => {
  useSession(pinia).forget()
  const here = router.currentRoute.value
  if (here.path.startsWith('/console') && here.name !== 'login')
    router.push({ name: 'login', query: { redirect: here.fullPath, expired: '1' } })
})

// Drawn once the language's messages are here (fetched beside the first page's code and data).
void messagesReady.then(() => app.mount('#app'))
