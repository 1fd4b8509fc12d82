import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { installAuthGuards, router } from './router'
import { i18n } from './i18n'
import './style.css'

const pinia = createPinia()
installAuthGuards(router, pinia)
createApp(App).use(pinia).use(router).use(i18n).use(ElementPlus).mount('#app')
