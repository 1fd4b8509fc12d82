import { createI18n } from 'vue-i18n'
import zhTW from './zh-TW'
import en from './en'

export type Locale = 'zh-TW' | 'en'
export const LOCALES: Locale[] = ['zh-TW', 'en']
export const messages = { 'zh-TW': zhTW, en }
const KEY = 'cipms.locale'

export function savedLocale(): Locale {
  try {
    const v = localStorage.getItem(KEY)
    if (v === 'en' || v === 'zh-TW') return v
  } catch {
    /* storage may be unavailable */
  }
  return 'zh-TW'
}

export function saveLocale(l: Locale) {
  try {
    localStorage.setItem(KEY, l)
  } catch {
    /* ignore */
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-TW',
  messages,
})
