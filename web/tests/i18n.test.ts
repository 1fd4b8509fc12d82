import { describe, expect, it } from 'vitest'
import zhTW from '../src/i18n/zh-TW'
import en from '../src/i18n/en'

type Tree = { [k: string]: string | Tree }
function leaves(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv)
  }
  return out
}
const zh = leaves(zhTW as Tree)
const eng = leaves(en as Tree)
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('messages', () => {
  it('has every zh-TW key in English', () => {
    expect([...zh.keys()].filter((k) => !eng.has(k))).toEqual([])
  })
  it('has every English key in zh-TW', () => {
    expect([...eng.keys()].filter((k) => !zh.has(k))).toEqual([])
  })
  it('has no empty message', () => {
    expect([...zh, ...eng].filter(([, v]) => !v.trim()).map(([k]) => k)).toEqual([])
  })
  it('uses the same placeholders in both languages', () => {
    const diff = [...zh.keys()].filter((k) => eng.has(k) && placeholders(zh.get(k)!).join() !== placeholders(eng.get(k)!).join())
    expect(diff).toEqual([])
  })
  it('writes zh-TW in Chinese characters (not left in English)', () => {
    const latinOnly = [...zh].filter(([k, v]) => !/[\u4e00-\u9fff]/.test(v) && !['app.short'].includes(k)).map(([k]) => k)
    expect(latinOnly).toEqual([])
  })
})
