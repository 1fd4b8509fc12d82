// Browser tests of the web UI against a real, started cipms server (scripts/run-web-tests.sh
// starts it). Debian's Chromium driven by playwright-core; no browser download.
//   CIPMS_URL=http://127.0.0.1:PORT node e2e/run.mjs
// Prints one line per test, timings (first load, map), and ends with
// "CIPMS-E2E passed=N failed=M". Screenshots go to ../test-artifacts/web/.
// The server runs with the demo accounts (--demo) and CIPMS_DEMO_PASSWORD (the same value is
// given to this script; default: the server's own default): the existing flows sign in as "ohs".
import { chromium } from 'playwright-core'
import { createHmac } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const BASE = process.env.CIPMS_URL ?? 'http://127.0.0.1:18080'
const ART = process.env.CIPMS_ARTIFACTS ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/web')
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
const ONLY = process.env.E2E_ONLY ?? ''
mkdirSync(ART, { recursive: true })

const PASSWORD = process.env.CIPMS_DEMO_PASSWORD || 'cipms-demo-2026'

// API calls from the test itself run in a session of their own (cookie + CSRF token), by default
// as "ohs"; `as(user)` signs another demo account in.
async function signInApi(username, password = PASSWORD, extra = {}) {
  const r = await fetch(BASE + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password, ...extra }) })
  const body = await r.json()
  if (r.status !== 200) throw new Error(`API sign-in as ${username}: HTTP ${r.status} ${body.detail ?? ''}`)
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]
  return { cookie, csrf: body.csrf_token, principal: body.principal, user: body.user }
}
function apiAs(sess) {
  return async (p, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase()
    const headers = { ...(init.headers ?? {}), Cookie: sess.cookie }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) headers['X-CSRF-Token'] = sess.csrf
    const r = await fetch(BASE + p, { ...init, headers })
    const text = await r.text()
    return { status: r.status, etag: r.headers.get('etag'), headers: r.headers, body: text ? JSON.parse(text) : null }
  }
}
const ohsSession = await signInApi('ohs')
const api = apiAs(ohsSession)
const assert = (cond, msg) => {
  if (!cond) throw new Error(msg)
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  // The flags this machine needs (see the machine notes): no sandbox as root, no background
  // networking (the network is closed), SwiftShader for WebGL without a GPU.
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader',
  ],
})
const CONTEXT = { viewport: { width: 1440, height: 900 }, locale: 'zh-TW', timezoneId: 'Asia/Taipei' }
const context = await browser.newContext(CONTEXT)
const page = await context.newPage()
const consoleErrors = []
// A 401 from /auth/me on a page load without a session, or a 401/403/429 the test provokes, is
// expected: the browser logs failed requests as console errors.
const EXPECTED = /status of (401|403|422|429)/
const watchConsole = (p) => {
  p.on('console', (m) => m.type() === 'error' && !EXPECTED.test(m.text()) && consoleErrors.push(m.text()))
  p.on('pageerror', (e) => consoleErrors.push(String(e)))
  p.setDefaultTimeout(15000)
}
watchConsole(page)
const shot = (name, p = page) => p.screenshot({ path: path.join(ART, `${name}.png`), fullPage: false })

/** Signs in through the sign-in page (the page is on it or is sent to it). */
async function signInUi(p, username, password = PASSWORD) {
  await p.waitForSelector('[data-test=login-form]')
  await p.fill('#login-username', username)
  await p.fill('#login-password', password)
  await p.click('[data-test=login-submit]')
}
/** A new browser context (no cookie) for tests of other users. */
async function freshPage() {
  const ctx = await browser.newContext(CONTEXT)
  const p = await ctx.newPage()
  watchConsole(p)
  return p
}
/** RFC 6238 one-time code (SHA-1, 30 s, 6 digits) from a base32 secret. */
function totp(secretB32, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const ch of secretB32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0')
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)))
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)))
  const h = createHmac('sha1', key).update(counter).digest()
  const o = h[h.length - 1] & 0xf
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}

// A facility that others depend on, for the facility, graph and simulation tests.
async function pickSupplier() {
  for (const q of ['subsector=electricity', 'sector=energy', '']) {
    const list = await api(`/api/v1/facilities?${q}&limit=40&sort=code`)
    for (const f of list.body?.items ?? []) {
      const d = await api(`/api/v1/facilities/${f.id}/dependents?limit=5`)
      if ((d.body?.total ?? 0) >= 2) return f
    }
  }
  return (await api('/api/v1/facilities?limit=1')).body.items[0]
}
// Prefer a facility whose failure cascades (from the criticality ranking), but not the one that
// takes down nearly everything.
async function pickFromRanking() {
  for (let i = 0; i < 240; i++) {
    const r = await api('/api/v1/ranking?limit=50')
    if (r.status === 200) {
      const e = (r.body.ranking ?? []).find((x) => x.facilities_down >= 10 && x.facilities_down <= 300)
      if (!e) return undefined
      const list = await api(`/api/v1/facilities?q=${encodeURIComponent(e.id)}&limit=5`)
      return list.body.items.find((f) => f.code === e.id)
    }
    if (r.status !== 202) return undefined
    await new Promise((res) => setTimeout(res, 500))
  }
  return undefined
}
const target = (await pickFromRanking()) ?? (await pickSupplier())
console.log(`target facility: ${target.code} (id ${target.id})`)
// The analysis API may land after the registry: without it, its tests are skipped, not failed.
const simProbe = await api('/api/v1/simulations', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
const simAvailable = simProbe.status !== 404 && simProbe.status !== 405

const results = []
let skipped = 0
async function test(name, fn, { needsSim = false } = {}) {
  if (ONLY && !name.includes(ONLY)) return
  if (needsSim && !simAvailable) {
    skipped++
    console.log(`SKIP ${name}: the server has no POST /api/v1/simulations (HTTP ${simProbe.status})`)
    return
  }
  const t0 = Date.now()
  try {
    await fn()
    results.push([name, true])
    console.log(`PASS ${name} (${Date.now() - t0} ms)`)
  } catch (e) {
    results.push([name, false])
    console.log(`FAIL ${name}: ${process.env.E2E_VERBOSE ? e.message : e.message.split("\n")[0]}`)
    await shot(`FAILED-${name.replace(/\W+/g, '_')}`).catch(() => {})
  }
}

await test('the sign-in page comes first; signing in as ohs fills the user slot', async () => {
  await page.goto(BASE + '/facilities?sector=energy', { waitUntil: 'load' })
  await page.waitForURL(/\/login\?redirect=/)
  assert((await page.textContent('h1')).includes('登入'), 'the sign-in page is not in zh-TW')
  assert((await page.$('[data-test=nav-facilities]')) === null, 'navigation shown before signing in')
  await shot('00-sign-in')
  // Empty fields: the messages beside them, nothing sent.
  await page.click('[data-test=login-submit]')
  await page.locator('[data-test=field-username] .el-form-item__error').waitFor()
  assert((await page.textContent('[data-test=field-password] .el-form-item__error')).includes('請輸入密碼'), 'no message beside the password')
  await page.waitForTimeout(300)
  await shot('00b-sign-in-validation')
  await signInUi(page, 'ohs')
  // Back to the page asked for.
  await page.waitForURL(/\/facilities\?sector=energy/)
  await page.waitForSelector('[data-test=facility-table] .el-table__row')
  const slot = await page.textContent('[data-test=user-slot]')
  for (const want of ['國土安全辦公室 OHS officer', '國土安全辦公室承辦人', 'OHS', '絕對機密'])
    assert(slot.includes(want), `the user slot lacks "${want}": ${slot}`)
})

await test('first load shows the dashboard in zh-TW', async () => {
  const t0 = Date.now()
  await page.goto(BASE + '/', { waitUntil: 'load' })
  const loadMs = Date.now() - t0
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-test=kpi-total] .value')?.textContent ?? ''))
  const readyMs = Date.now() - t0
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0]
    return { dcl: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd), bytes: performance.getEntriesByType('resource').reduce((s, r) => s + (r.transferSize || 0), 0) }
  })
  console.log(`TIMING first-load: load event ${nav.load} ms (navigation ${loadMs} ms), dashboard with data ${readyMs} ms, DOMContentLoaded ${nav.dcl} ms, ${Math.round(nav.bytes / 1024)} KiB transferred`)
  await page.waitForSelector('[data-test=chart-sector] canvas')
  // The ranking (when the server has it) shows names beside the codes.
  await page.waitForFunction(() => !document.querySelector('[role=status]'), null, { timeout: 60000 }).catch(() => {})
  if (await page.$('[data-test=ranking]')) await page.waitForFunction(() => /\S/.test(document.querySelector('[data-test=rank-name]')?.textContent ?? ''), null, { timeout: 15000 })
  assert((await page.textContent('header')).includes('關鍵基礎設施防護管理系統'), 'header is not in zh-TW')
  assert((await page.getAttribute('html', 'lang')) === 'zh-TW', 'html lang is not zh-TW')
  assert((await page.textContent('[data-test=user-role]')).includes('國土安全辦公室承辦人'), 'the user slot does not show the role')
  await page.waitForTimeout(400) // chart animation
  await shot('01-dashboard')
})

await test('browse, filter, search and sort facilities', async () => {
  await page.click('[data-test=nav-facilities]')
  await page.waitForSelector('[data-test=facility-table] .el-table__row')
  const totalAll = await page.textContent('[data-test=total]')
  await page.click('[data-test=filter-sector]')
  await page.click('.el-select-dropdown__item:visible >> text=能源')
  await page.waitForURL(/sector=energy/)
  await page.waitForFunction((before) => document.querySelector('[data-test=total]')?.textContent !== before, totalAll)
  const sectors = await page.$$eval('[data-test=facility-table] .el-table__row td:nth-child(4)', (tds) => tds.map((td) => td.textContent.trim()))
  assert(sectors.length > 0 && sectors.every((s) => s === '能源'), `rows not all energy: ${sectors.slice(0, 3)}`)
  const expected = (await api('/api/v1/facilities?sector=energy&limit=1')).body.total
  assert((await page.textContent('[data-test=total]')).includes(expected.toLocaleString('zh-TW')), 'total does not match the API')
  // Sort by population, descending (two clicks on the header).
  const header = page.locator('.el-table__header th', { hasText: '服務人口' })
  await header.click()
  await page.waitForURL(/sort=population/)
  await header.click()
  await page.waitForURL(/order=desc/)
  // Search by code.
  await page.fill('input[data-test=search], [data-test=search] input', target.code)
  await page.waitForURL(new RegExp('q=' + encodeURIComponent(target.code).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
  await page.click('[data-test=filter-sector] .el-select__suffix, [data-test=filter-sector] .el-select__clear').catch(() => {})
  await page.goto(BASE + '/facilities?q=' + encodeURIComponent(target.code))
  await page.waitForSelector(`[data-test="row-${target.code}"]`)
  await shot('02-facilities')
  // Pagination goes to page 2.
  await page.goto(BASE + '/facilities')
  await page.waitForSelector('[data-test=facility-table] .el-table__row')
  const first = await page.textContent('[data-test=facility-table] .el-table__row td')
  await page.click('.el-pager li:has-text("2")')
  await page.waitForURL(/page=2/)
  await page.waitForFunction((f) => document.querySelector('[data-test=facility-table] .el-table__row td')?.textContent !== f, first)
})

await test('open a facility and see its fields and dependencies', async () => {
  await page.goto(BASE + '/facilities?q=' + encodeURIComponent(target.code))
  await page.click(`[data-test="row-${target.code}"]`)
  await page.waitForURL(new RegExp(`/facilities/${target.id}$`))
  await page.waitForSelector('[data-test=facility-fields]')
  assert((await page.textContent('[data-test=facility-title]')).includes(target.code), 'title lacks the code')
  await page.waitForSelector('[data-test=downstream] .el-table__row')
  await shot('03-facility')
})

await test('edit a facility: validation error beside the field, conflict, save', async () => {
  await page.goto(BASE + `/facilities/${target.id}`)
  await page.click('[data-test=edit]')
  await page.fill('#f-lat', '95')
  await page.click('[data-test=save]')
  const err = page.locator('[data-test=field-lat] .el-form-item__error')
  await err.waitFor()
  assert((await err.textContent()).includes('-90'), 'no range error beside latitude')
  await shot('04-edit-validation')
  // Someone else changes the facility meanwhile: our save gets 412 and says so.
  await page.fill('#f-lat', String(target.lat ?? 24))
  await page.fill('#f-address', '測試地址 1 號')
  const cur = await api(`/api/v1/facilities/${target.id}`)
  const bumped = await api(`/api/v1/facilities/${target.id}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json', 'If-Match': cur.etag ?? '*' }, body: JSON.stringify({ address: '別人改的地址' }) })
  assert(bumped.status === 200, `PATCH by another user failed: ${bumped.status}`)
  await page.click('[data-test=save]')
  await page.locator('[data-test=conflict]').waitFor()
  await shot('05-edit-conflict')
  // Reload and save for real.
  await page.click('[data-test=conflict] button')
  await page.fill('#f-address', '測試地址 2 號')
  await page.click('[data-test=save]')
  await page.locator('[data-test=saved]').waitFor()
  const after = await api(`/api/v1/facilities/${target.id}`)
  assert(after.body.address === '測試地址 2 號', `saved address is ${after.body.address}`)
})

await test('switch language to English and keep it across reloads', async () => {
  await page.goto(BASE + '/facilities')
  await page.selectOption('[data-test=lang]', 'en')
  await page.waitForFunction(() => document.querySelector('[data-test=nav-facilities]')?.textContent === 'Facilities')
  await page.reload()
  await page.waitForSelector('[data-test=facility-table] .el-table__row')
  assert((await page.textContent('h1')) === 'Facility registry', 'not English after reload')
  assert((await page.getAttribute('html', 'lang')) === 'en', 'html lang is not en')
  await shot('06-facilities-en')
  await page.selectOption('[data-test=lang]', 'zh-TW')
  await page.waitForFunction(() => document.querySelector('[data-test=nav-facilities]')?.textContent === '設施名冊')
})

await test('the map renders every facility with WebGL', async () => {
  const total = (await api('/api/v1/facilities?limit=1')).body.total
  const t0 = Date.now()
  await page.click('[data-test=nav-map]')
  await page.waitForFunction(() => Number(document.querySelector('[data-test=map]')?.dataset.rendered ?? 0) > 0, null, { timeout: 30000 })
  const rendered = Number(await page.getAttribute('[data-test=map]', 'data-rendered'))
  console.log(`TIMING map: ${rendered} of ${total} facilities drawn ${Date.now() - t0} ms after clicking Map`)
  assert(rendered > total * 0.9, `only ${rendered} of ${total} facilities drawn`)
  // Frame rate while panning (informational).
  const fps = await page.evaluate(async () => {
    const map = document.querySelector('[data-test=map] canvas')
    const r = map.getBoundingClientRect()
    let frames = 0
    let on = true
    const tick = () => { frames++; if (on) requestAnimationFrame(tick) }
    requestAnimationFrame(tick)
    const t0 = performance.now()
    for (let i = 0; i < 30; i++) {
      const x = r.left + r.width / 2 + i * 5, y = r.top + r.height / 2
      map.dispatchEvent(new MouseEvent(i === 0 ? 'mousedown' : 'mousemove', { clientX: x, clientY: y, bubbles: true, buttons: 1 }))
      await new Promise((res) => setTimeout(res, 16))
    }
    map.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }))
    on = false
    return Math.round((frames * 1000) / (performance.now() - t0))
  })
  console.log(`TIMING map: about ${fps} frames/s while panning (headless, software WebGL)`)
  // Filter by sector: fewer points.
  await page.click('[data-test=map-sector]')
  await page.click('.el-select-dropdown__item:visible >> text=醫院')
  await page.keyboard.press('Escape')
  await page.waitForFunction((n) => Number(document.querySelector('[data-test=map]')?.dataset.rendered) < n, rendered)
  await page.waitForTimeout(300)
  await shot('07-map-filtered')
  await page.goto(BASE + '/map')
  await page.waitForFunction(() => Number(document.querySelector('[data-test=map]')?.dataset.rendered ?? 0) > 0, null, { timeout: 30000 })
  await page.waitForTimeout(300)
  await shot('08-map')
})

await test('the graph explorer expands a neighbourhood', async () => {
  await page.goto(BASE + `/graph?start=${encodeURIComponent(target.code)}`)
  await page.waitForFunction(() => /^[1-9]\d* /.test(document.querySelector('[data-test=graph-counts]')?.textContent ?? '') && !document.querySelector('[data-test=graph-counts]')?.textContent.startsWith('1 '))
  const before = await page.textContent('[data-test=graph-counts]')
  await page.click('.el-button:has-text("全部展開一層")')
  await page.waitForFunction((b) => document.querySelector('[data-test=graph-counts]')?.textContent !== b, before, { timeout: 30000 })
  await page.waitForTimeout(300)
  await shot('09-graph')
})

// Frames per second while dragging the mouse across `selector` (informational: headless Chromium,
// software WebGL, on a shared machine).
async function panFps(selector) {
  const box = await page.locator(selector).boundingBox()
  await page.evaluate(() => {
    window.__frames = 0
    window.__counting = true
    const tick = () => { window.__frames++; if (window.__counting) requestAnimationFrame(tick) }
    requestAnimationFrame(tick)
    window.__t0 = performance.now()
  })
  const x = box.x + box.width / 2, y = box.y + box.height / 2
  await page.mouse.move(x, y)
  await page.mouse.down()
  for (let i = 1; i <= 20; i++) await page.mouse.move(x + i * 8, y + (i % 10) * 3)
  await page.mouse.up()
  return page.evaluate(() => {
    window.__counting = false
    return Math.round((window.__frames * 1000) / (performance.now() - window.__t0))
  })
}

await test('the large graph view (sigma.js) draws every demo facility and a synthetic 10,000', async () => {
  const total = (await api('/api/v1/facilities?limit=1')).body.total
  const cases = [
    ['whole demo network', `/graph?view=all&start=${encodeURIComponent(target.code)}`, '14-graph-large'],
    ['synthetic 10,000', '/graph?view=synthetic&n=10000', '15-graph-synthetic'],
  ]
  for (const [label, url, name] of cases) {
    const t0 = Date.now()
    await page.goto(BASE + url)
    await page.waitForFunction(() => Number(document.querySelector('[data-test=biggraph]')?.dataset.rendered ?? 0) > 0, null, { timeout: 60000 })
    const firstMs = Date.now() - t0
    const n = Number(await page.getAttribute('[data-test=biggraph]', 'data-rendered'))
    const sigmaMs = await page.getAttribute('[data-test=biggraph]', 'data-render-ms')
    const counts = await page.textContent('[data-test=graph-counts]')
    await page.waitForTimeout(300)
    await shot(name)
    const fps = await panFps('[data-test=biggraph]')
    console.log(`TIMING large graph, ${label}: ${counts}; first render ${firstMs} ms after navigation (graph built → first frame ${sigmaMs} ms); about ${fps} frames/s while panning`)
    if (label.startsWith('whole')) assert(n >= total * 0.9, `only ${n} of ${total} facilities in the large view`)
    else assert(n === 10000, `${n} nodes in the synthetic view`)
  }
}, { needsSim: false })

await test('what fails if this fails, on the large graph view', async () => {
  await page.goto(BASE + `/graph?view=all&start=${encodeURIComponent(target.code)}`)
  await page.waitForFunction(() => Number(document.querySelector('[data-test=biggraph]')?.dataset.rendered ?? 0) > 0, null, { timeout: 60000 })
  await page.click('[data-test=graph-whatfails]')
  await page.waitForSelector('[data-test=graph-affected]', { timeout: 60000 })
  await page.waitForTimeout(500)
  await shot('16-graph-large-what-fails')
}, { needsSim: true })

await test('run a simulation and see the timeline', async () => {
  await page.goto(BASE + `/facilities/${target.id}`)
  await page.click('button:has-text("模擬此設施失效")')
  await page.waitForURL(/\/simulation$/)
  await page.waitForSelector(`[data-test=sim-events] .el-table__row:has-text("${target.code}")`)
  const t0 = Date.now()
  await page.click('[data-test=sim-run]')
  await page.waitForSelector('[data-test=timeline]', { timeout: 60000 })
  console.log(`TIMING simulation: result shown ${Date.now() - t0} ms after Run`)
  await page.waitForSelector('[data-test=chart-down] canvas')
  // Move the clock with the keyboard: the slider is focusable and steps with the arrow keys.
  const handle = page.locator('[data-test=timeline-slider] .el-slider__button-wrapper')
  await handle.focus()
  for (let i = 0; i < 36; i++) await page.keyboard.press('ArrowRight')
  await page.waitForFunction(() => /第 \d+ 小時/.test(document.querySelector('[data-test=timeline-now]')?.textContent ?? '') && !document.querySelector('[data-test=timeline-now]')?.textContent.includes('第 0 小時'))
  const downRows = await page.$$('[data-test=sim-down-list] .el-table__row')
  assert(downRows.length >= 1, 'no facility is down at t = 36 h although one was damaged for 48 h from 0')
  await page.waitForTimeout(600)
  await shot('10-simulation')
  await page.locator('[data-test=chart-down]').scrollIntoViewIfNeeded()
  await shot('11-simulation-charts')
  // The map and the graph colour the same failures.
  await page.click('button:has-text("在地圖上查看")')
  await page.waitForSelector('[data-test=timeline]')
  await page.waitForFunction(() => Number(document.querySelector('[data-test=map]')?.dataset.rendered ?? 0) > 0, null, { timeout: 30000 })
  await page.waitForTimeout(500)
  await shot('12a-map-simulation')
  await page.goBack()
  await page.waitForSelector('[data-test=timeline]')
  await page.click('button:has-text("在相依關係圖中查看")')
  await page.waitForSelector('[data-test=timeline]')
  await page.waitForTimeout(800)
  await shot('12-graph-simulation')
}, { needsSim: true })

await test('what fails if this fails highlights the affected facilities', async () => {
  await page.goto(BASE + `/graph?start=${encodeURIComponent(target.code)}`)
  await page.waitForFunction(() => !/^0 /.test(document.querySelector('[data-test=graph-counts]')?.textContent ?? '0 '))
  await page.click('[data-test=graph-whatfails]')
  await page.waitForSelector('[data-test=graph-affected]', { timeout: 60000 })
  await page.waitForTimeout(500)
  await shot('13-graph-what-fails')
}, { needsSim: true })

await test('the user menu: account page and API tokens (secret shown once, revoke)', async () => {
  await page.goto(BASE + '/')
  await page.click('[data-test=user-menu]')
  await page.locator('[data-test=menu-account]').waitFor()
  await page.waitForTimeout(300)
  await shot('17-user-menu')
  await page.click('[data-test=menu-account]')
  await page.waitForURL(/\/account$/)
  await page.waitForSelector('[data-test=profile]')
  assert((await page.textContent('[data-test=profile]')).includes('執行分析與模擬'), 'the permissions are not listed')
  await page.waitForTimeout(500) // tags fade in
  await shot('18-account')
  await page.goto(BASE + '/account/tokens')
  await page.fill('#token-name', 'e2e 匯出')
  await page.click('[data-test="scope-registry.read"]')
  await page.click('[data-test="scope-network.export"]')
  await page.click('[data-test=token-create]')
  const secret = (await page.locator('[data-test=token-secret-value]').textContent()).trim()
  assert(secret.length >= 20, `no secret shown: "${secret}"`)
  await page.waitForSelector('[data-test=token-table] .el-table__row')
  await page.waitForTimeout(500)
  await shot('19-api-tokens')
  // The token works as a Bearer token with its scopes, and the secret is not shown again.
  const viaToken = await fetch(BASE + '/api/v1/facilities?limit=1', { headers: { Authorization: `Bearer ${secret}` } })
  assert(viaToken.status === 200, `the new token does not read the registry: HTTP ${viaToken.status}`)
  await page.reload()
  await page.waitForSelector('[data-test=token-table] .el-table__row')
  assert((await page.$('[data-test=token-secret-value]')) === null, 'the secret is shown again after a reload')
  const id = (await api('/api/v1/auth/tokens')).body.items.find((x) => x.name === 'e2e 匯出').id
  await page.click(`[data-test=revoke-${id}]`)
  await page.click('.el-message-box__btns .el-button--primary')
  await page.waitForFunction((i) => !document.querySelector(`[data-test=revoke-${i}]`), id)
  const after = await fetch(BASE + '/api/v1/facilities?limit=1', { headers: { Authorization: `Bearer ${secret}` } })
  assert(after.status === 401, `a revoked token still works: HTTP ${after.status}`)
})

await test('ohs sees the classification marking of a facility set to 機密 through the API', async () => {
  const list = await api('/api/v1/facilities?sector=energy&limit=5&sort=code')
  const f = list.body.items.find((x) => x.id !== target.id) ?? list.body.items[0]
  // A national secret is read on a need-to-know grant only, even by ohs: grant it, then classify.
  const g = await api('/api/v1/grants', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: ohsSession.principal.user_id, record_kind: 'facility', record_id: f.id, reason: 'e2e：國土安全辦公室檢視' }) })
  assert(g.status === 201, `grant: HTTP ${g.status} ${JSON.stringify(g.body)}`)
  const next = new Date(Date.now() + 365 * 86400e3).toISOString().slice(0, 10)
  const c = await api(`/api/v1/facilities/${f.id}/classification`, { method: 'PUT', headers: { 'Content-Type': 'application/json', 'If-Match': `"${f.version}"` }, body: JSON.stringify({ level: 'confidential', reason: '涉及電網調度弱點', declassify_on: next }) })
  assert(c.status === 200, `classification: HTTP ${c.status} ${JSON.stringify(c.body)}`)
  await page.goto(BASE + `/facilities/${f.id}`)
  const banner = page.locator('[data-test=class-banner]')
  await banner.waitFor()
  const text = await banner.textContent()
  assert(text.includes('機密') && text.includes('涉及電網調度弱點') && text.includes(next), `banner: ${text}`)
  assert((await banner.getAttribute('data-level')) === 'confidential', 'banner level')
  await shot('20-facility-classified')
  // The registry list marks it too.
  await page.goto(BASE + '/facilities?q=' + encodeURIComponent(f.code))
  await page.waitForSelector(`[data-test="row-${f.code}"]`)
  const tag = await page.textContent(`.el-table__row:has([data-test="row-${f.code}"]) [data-test=class-tag]`)
  assert(tag.trim() === '機密', `list tag: ${tag}`)
  // And the editor (permission "classify") changes it: down to 密 with a reason.
  await page.goto(BASE + `/facilities/${f.id}`)
  await page.click('[data-test=classify]')
  await page.locator('[data-test=class-dialog]').waitFor()
  await page.click('[data-test=class-level-official]')
  await page.fill('#class-reason', '僅供業務相關人員')
  await page.waitForTimeout(200)
  await shot('21-classification-editor')
  await page.click('[data-test=class-save]')
  await page.waitForFunction(() => document.querySelector('[data-test=class-banner]')?.dataset.level === 'official')
  const now = await api(`/api/v1/facilities/${f.id}`)
  assert(now.body.classification.level === 'official', `saved level: ${now.body.classification.level}`)
})

await test('a wrong password shows the error', async () => {
  const p = await freshPage()
  try {
    await p.goto(BASE + '/')
    await p.waitForURL(/\/login/)
    await signInUi(p, 'tpc', 'not-the-password')
    const err = p.locator('[data-test=login-error]')
    await err.waitFor()
    assert((await err.textContent()).includes('帳號或密碼錯誤'), `error: ${await err.textContent()}`)
    assert(p.url().includes('/login'), 'left the sign-in page')
    await shot('22-sign-in-wrong-password', p)
  } finally {
    await p.context().close()
  }
})

await test('an account with two-step sign-in asks for the one-time code', async () => {
  const police = await signInApi('police')
  const papi = apiAs(police)
  const setup = await papi('/api/v1/auth/totp/setup', { method: 'POST' })
  assert(setup.status === 200, `totp setup: HTTP ${setup.status}`)
  const en = await papi('/api/v1/auth/totp/enable', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: totp(setup.body.secret) }) })
  assert(en.status === 200, `totp enable: HTTP ${en.status} ${JSON.stringify(en.body)}`)
  const p = await freshPage()
  try {
    await p.goto(BASE + '/map')
    await signInUi(p, 'police')
    await p.waitForSelector('[data-test=totp-step]')
    // The code that enabled TOTP counts as used (no replay): sign in with the next step's
    // code, which the server accepts (±1 step) and which is later than the one used.
    const code = totp(setup.body.secret, Date.now() + 30000)
    await p.fill('#login-totp', '000000' === code ? '111111' : '000000')
    await p.click('[data-test=login-submit]')
    await p.locator('[data-test=login-error]').waitFor()
    await p.fill('#login-totp', code)
    await shot('23-sign-in-one-time-code', p)
    await p.click('[data-test=login-submit]')
    await p.waitForURL(/\/map$/)
    await p.waitForSelector('[data-test=user-role]')
    assert((await p.textContent('[data-test=user-role]')).includes('支援單位'), 'not signed in as police')
  } finally {
    await p.context().close()
  }
})

await test('a locked account shows the wait', async () => {
  for (let i = 0; i < 5; i++)
    await fetch(BASE + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'auditor', password: `wrong-${i}` }) })
  const p = await freshPage()
  try {
    await p.goto(BASE + '/login')
    await signInUi(p, 'auditor')
    const locked = p.locator('[data-test=login-locked]')
    await locked.waitFor()
    const text = await locked.textContent()
    assert(/\d+ (秒|分鐘)/.test(text), `no wait in: ${text}`)
    assert(await p.isDisabled('[data-test=login-submit]'), 'the button is not disabled while locked')
    await shot('24-sign-in-locked', p)
  } finally {
    await p.context().close()
  }
})

await test('tpc-viewer: no edit buttons, and another provider\'s facility is not listed', async () => {
  const viewer = await signInApi('tpc-viewer')
  const vapi = apiAs(viewer)
  const own = await vapi('/api/v1/facilities?limit=5&sort=code')
  assert(own.status === 200 && own.body.total > 0, `tpc-viewer sees ${own.body?.total} facilities`)
  assert(own.body.items.every((x) => x.provider_code === 'TPC'), 'tpc-viewer sees other providers\' facilities through the API')
  // A facility of another provider (seen as ohs).
  let other
  for (let off = 0; !other && off < 3000; off += 200) other = (await api(`/api/v1/facilities?limit=200&offset=${off}`)).body.items.find((x) => x.provider_code && x.provider_code !== 'TPC')
  assert(other, 'no facility of another provider in the demo')
  const p = await freshPage()
  try {
    await p.goto(BASE + '/facilities')
    await signInUi(p, 'tpc-viewer')
    await p.waitForSelector('[data-test=facility-table] .el-table__row')
    assert((await p.textContent('[data-test=user-role]')).includes('設施提供者（檢視）'), 'role not shown')
    assert((await p.textContent('[data-test=user-org]')).trim() === 'TPC', 'organisation not shown')
    assert((await p.textContent('[data-test=total]')).includes(own.body.total.toLocaleString('zh-TW')), 'the list total is not the viewer\'s scope')
    assert((await p.$('[data-test=nav-simulation]')) === null, 'the simulation page is offered without analysis.run')
    await p.waitForFunction(() => !document.querySelector('[data-test=facility-table] .el-loading-mask'))
    await p.waitForTimeout(300)
    await shot('25-tpc-viewer-facilities', p)
    // Another provider's facility: not found by search, and its page answers "not found".
    await p.goto(BASE + '/facilities?q=' + encodeURIComponent(other.code))
    await p.waitForFunction(() => /共 0 筆/.test(document.querySelector('[data-test=total]')?.textContent ?? ''))
    assert((await p.$(`[data-test="row-${other.code}"]`)) === null, `${other.code} (${other.provider_code}) is listed for tpc-viewer`)
    await p.goto(BASE + `/facilities/${other.id}`)
    await p.waitForSelector('.el-alert--warning')
    // Its own facility: no edit, classify or simulate buttons.
    await p.goto(BASE + `/facilities/${own.body.items[0].id}`)
    await p.waitForSelector('[data-test=facility-fields]')
    for (const sel of ['edit', 'classify', 'simulate'])
      assert((await p.$(`[data-test=${sel}]`)) === null, `tpc-viewer has a "${sel}" button`)
    await shot('26-tpc-viewer-facility', p)
    // The simulation page by URL goes back to the dashboard.
    await p.goto(BASE + '/simulation')
    await p.waitForURL((u) => u.pathname === '/')
  } finally {
    await p.context().close()
  }
})

await test('keyboard: skip link, labelled inputs', async () => {
  await page.goto(BASE + '/facilities')
  await page.waitForSelector('[data-test=facility-table] .el-table__row')
  await page.keyboard.press('Tab')
  assert((await page.evaluate(() => document.activeElement?.className)) === 'skip-link', 'first Tab does not reach the skip link')
  await page.keyboard.press('Enter')
  // Every visible input, select and textarea has an accessible name.
  const unlabeled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.offsetParent !== null && el.type !== 'hidden')
      .filter((el) => !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest('label')))
      .map((el) => el.outerHTML.slice(0, 200)),
  )
  assert(unlabeled.length === 0, `inputs without a label: ${unlabeled.join(' | ')}`)
})

await test('survey workflow: tpc fills and submits, energy accepts and proposes, ohs finalises, the national CI list shows the grade', async () => {
  // A round of this year (the demo opens none): ohs opens it through the API.
  const year = new Date().getFullYear()
  const rounds = await api('/api/v1/survey-rounds')
  if (!rounds.body.items.some((r) => r.year === year)) {
    const r = await api('/api/v1/survey-rounds', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ year, title: `${year} 年度盤點`, opens_on: `${year}-01-01`, deadline: `${year}-12-31` }) })
    assert(r.status === 201, `open round: HTTP ${r.status} ${JSON.stringify(r.body)}`)
  }
  // A TPC electricity facility without a survey (MOEA-EA is its competent authority).
  const tapi = apiAs(await signInApi('tpc'))
  const todo = await tapi(`/api/v1/survey-rounds/${year}/overdue?limit=100`)
  const board = await tapi(`/api/v1/survey-rounds/${year}/surveys?limit=1000`)
  const started = new Set((board.body.items ?? []).map((s) => s.facility.id))
  const fac = todo.body.items.find((f) => f.subsector === 'electricity' && !started.has(f.id) && f.id !== target.id)
  assert(fac, 'no TPC electricity facility without a survey')
  const tp = await freshPage()
  let surveyId
  try {
    await tp.goto(BASE + '/surveys')
    await signInUi(tp, 'tpc')
    await tp.waitForURL(/\/surveys$/)
    await tp.waitForSelector('[data-test=nav-surveys]')
    assert((await tp.$('[data-test=nav-surveys]')) !== null && (await tp.$('[data-test=nav-review]')) === null, 'tpc menu: surveys yes, review no')
    await tp.waitForSelector(`[data-test="start-${fac.code}"]`)
    await shot('30-my-surveys', tp)
    await tp.click(`[data-test="start-${fac.code}"]`)
    await tp.waitForURL(/\/surveys\/\d+$/)
    surveyId = Number(tp.url().split('/').pop())
    await tp.waitForSelector('[data-test=survey-title]')
    // Submitting the empty survey: every problem, beside its field, in zh-TW.
    await tp.click('[data-test=submit]')
    await tp.locator('[data-test=problems]').waitFor()
    assert((await tp.textContent('[data-test=err-core_functions]')).includes('請至少列出一項核心功能'), 'no message at the core functions')
    const ev = tp.locator('[data-ptr="/self_assessment/population/evidence"] .el-form-item__error')
    await ev.waitFor()
    assert((await ev.textContent()).includes('佐證'), `evidence message: ${await ev.textContent()}`)
    await tp.waitForTimeout(300)
    await shot('31-survey-validation', tp)
    // 1. core functions
    await tp.click('[data-test=add-cf]')
    await tp.fill('input[data-test=cf-0-name]', '區域配電')
    await tp.fill('input[data-test=cf-0-mtpd]', '12')
    await tp.fill('input[data-test=cf-0-continuity]', '備援變壓器與移動式變電設備')
    await tp.click('[data-test=save-core_functions]')
    await tp.waitForFunction(() => /核心功能/.test(document.querySelector('[data-test=notice]')?.textContent ?? ''))
    // 2. backup plan of every external resource
    const n = await tp.locator('input[data-test^=ext-][data-test$=-plan]').count()
    for (let i = 0; i < n; i++) await tp.fill(`input[data-test=ext-${i}-plan]`, '緊急發電機與替代線路')
    // 3. an ICT asset that stops a core function and cannot be replaced: a CII asset
    await tp.click('[data-test=add-asset-ict]')
    await tp.fill('input[data-test=asset-0-name]', '變電所自動化系統')
    await tp.fill('input[data-test=asset-0-plan]', '人工操作')
    await tp.fill('input[data-test=asset-0-hours]', '8')
    await tp.click('[data-test=asset-0-stops] label:has-text("是")')
    await tp.click('[data-test=asset-0-replaceable] label:has-text("否")')
    await tp.locator('[data-test=asset-0-cii]').waitFor()
    // 4. self-assessment
    for (const c of ['population', 'government', 'economic', 'morale']) {
      await tp.click(`[data-test=crit-${c}-score] label:has-text("3")`)
      await tp.fill(`textarea[data-test=crit-${c}-evidence]`, '依服務人口與停電影響範圍估計')
    }
    await tp.click('[data-test=crit-government-categories] label:has-text("維生與運輸機能")')
    await tp.evaluate(() => document.querySelector('[data-test=asset-0]')?.scrollIntoView({ block: 'center' }))
    await tp.waitForTimeout(300)
    await shot('32-survey-form', tp)
    await tp.click('[data-test=submit]')
    await tp.waitForSelector('[data-test=state-tag][data-state=submitted]')
    assert((await tp.$('[data-test=problems]')) === null, 'problems left after submitting')
    assert(await tp.$('[data-test=holds-cii]'), 'the facility is not shown as holding CII')
    await shot('33-survey-submitted', tp)
  } finally {
    await tp.context().close()
  }
  // The competent authority: the queue, accept, the proposal with the engine's rank beside it.
  const ep = await freshPage()
  try {
    await ep.goto(BASE + '/review')
    await signInUi(ep, 'energy')
    await ep.waitForURL(/\/review$/)
    await ep.waitForSelector(`[data-test="review-${fac.code}"]`)
    await shot('34-review-queue', ep)
    await ep.click(`[data-test="review-${fac.code}"]`)
    await ep.waitForURL(new RegExp(`/review/${surveyId}$`))
    await ep.waitForSelector('[data-test=ds-rank]')
    // The engine's rank as the API gives it: "rank / ranked", or 無連鎖影響 when the facility's
    // failure reaches no other facility.
    const ds = (await api(`/api/v1/surveys/${surveyId}/decision-support`)).body
    const rankText = ds.population_hours > 0 || ds.facilities_down > 0 ? `${ds.rank} / ${ds.ranked}` : '無連鎖影響'
    assert(ds.rank > 0 && (await ep.textContent('[data-test=ds-rank]')).trim() === rankText, `engine rank: ${JSON.stringify(ds)}`)
    await ep.click('[data-test=accept]')
    await ep.waitForSelector('[data-test=state-tag][data-state=accepted]')
    await ep.waitForSelector('[data-test=propose-form]')
    // Without a grade and reasons: the messages beside the fields.
    await ep.click('[data-test=propose]')
    await ep.locator('[data-test=propose-form] .el-form-item__error').first().waitFor()
    await ep.click('[data-test=proposal-grade] label:has-text("第二級")')
    await ep.fill('[data-test=proposal-reasons]', '服務人口逾二萬，失效影響彰化縣區域供電')
    await ep.fill('input[data-test=consult-0-with]', '彰化縣政府')
    await ep.fill('#consult-0-date', `${year}-03-15`)
    await ep.keyboard.press('Enter')
    await ep.fill('textarea[data-test=consult-0-summary]', '縣府同意列為第二級')
    await ep.waitForTimeout(300)
    await shot('35-proposal', ep)
    await ep.click('[data-test=propose]')
    await ep.waitForSelector('[data-test=state-tag][data-state=proposed]')
  } finally {
    await ep.context().close()
  }
  // OHS: the joint review, an opinion, finalise.
  await page.goto(BASE + '/joint-review')
  await page.waitForSelector(`[data-test=login-form], [data-test="review-${fac.code}"]`)
  if (page.url().includes('/login')) await signInUi(page, 'ohs')
  await page.waitForSelector(`[data-test="review-${fac.code}"]`)
  await page.click(`[data-test="review-${fac.code}"]`)
  await page.waitForSelector('[data-test=opinion-form]')
  await page.fill('[data-test=opinion-text]', '同意主管機關建議')
  await page.click('[data-test=add-opinion]')
  await page.waitForSelector('[data-test=state-tag][data-state=under_review]')
  await page.waitForSelector('[data-test=finalise-form]')
  await shot('36-joint-review')
  await page.click('[data-test=finalise]')
  await page.waitForSelector('[data-test=state-tag][data-state=finalised]')
  // The national CI list.
  await page.goto(BASE + '/national-ci')
  await page.waitForSelector(`[data-test="national-${fac.code}"]`)
  assert((await page.textContent(`[data-test="national-grade-${fac.code}"]`)).includes('第二級'), 'the national list lacks the grade')
  await shot('37-national-ci')
  await page.goto(BASE + '/completion')
  await page.waitForSelector('[data-test=completion] .el-table__row')
  await shot('38-completion')
  // The PDF links of the completion board and of the survey page give real PDFs (with the
  // browser's own session).
  const pdfOf = (p, sel) =>
    p.evaluate(async (s) => {
      const a = document.querySelector(s)
      if (!a) return null
      const r = await fetch(a.getAttribute('href'))
      const b = new Uint8Array(await r.arrayBuffer())
      return { status: r.status, type: r.headers.get('content-type'), head: String.fromCharCode(...b.slice(0, 5)), size: b.length }
    }, sel)
  const isPdf = (x) => x && x.status === 200 && x.type === 'application/pdf' && x.head === '%PDF-' && x.size > 1000
  const listPdf = await pdfOf(page, '[data-test=pdf]')
  assert(isPdf(listPdf), `the grading list PDF link: ${JSON.stringify(listPdf)}`)
  await page.goto(BASE + `/review/${surveyId}`)
  await page.waitForSelector('[data-test=survey-pdf]')
  const surveyPdf = await pdfOf(page, '[data-test=survey-pdf]')
  assert(isPdf(surveyPdf), `the survey PDF link: ${JSON.stringify(surveyPdf)}`)
})

await test("the dashboard shows the survey round's deadline card (ohs), and a provider its own surveys (tpc)", async () => {
  // The survey workflow above opened this year's round when the demo had none.
  const rounds = (await api('/api/v1/survey-rounds')).body.items
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Taipei' }).format(new Date())
  const open = rounds.filter((r) => r.opens_on <= today).sort((a, b) => b.year - a.year)
  const round = open[0] ?? [...rounds].sort((a, b) => a.opens_on.localeCompare(b.opens_on))[0]
  assert(round, 'no survey round')
  await page.goto(BASE + '/')
  await page.waitForSelector('[data-test=dash-round]')
  assert((await page.textContent('[data-test=dash-deadline]')).trim() === round.deadline, `deadline card: ${await page.textContent('[data-test=dash-deadline]')} != ${round.deadline}`)
  const days = Math.round((Date.parse(round.deadline) - Date.parse(today)) / 86400000)
  const daysText = await page.textContent('[data-test=dash-days]')
  assert(daysText.includes(String(Math.abs(days))) || (days === 0 && daysText.includes('今天')), `days to the deadline: "${daysText}" (expected ${days})`)
  const tone = await page.getAttribute('[data-test=dash-round]', 'data-tone')
  assert(tone === (days < 0 ? 'overdue' : days < 14 ? 'soon' : 'ok'), `deadline colour ${tone} for ${days} days`)
  await page.waitForSelector('[data-test=chart-states] canvas')
  await page.waitForSelector('[data-test=dash-authorities] li')
  assert((await page.$('[data-test=dash-overdue-link]')) !== null, 'no link to the facilities without a survey')
  await page.locator('[data-test=dash-surveys]').scrollIntoViewIfNeeded()
  await page.waitForTimeout(400) // chart animation
  await shot('39-dashboard-surveys')
  const tp = await freshPage()
  try {
    await tp.goto(BASE + '/')
    await signInUi(tp, 'tpc')
    await tp.waitForSelector('[data-test=dash-round]')
    await tp.waitForSelector('[data-test=dash-my-surveys] li a')
    assert((await tp.$('[data-test=dash-authorities]')) === null, 'a provider sees the per-authority table')
    await tp.locator('[data-test=dash-surveys]').scrollIntoViewIfNeeded()
    await tp.waitForTimeout(400)
    await shot('40-dashboard-provider', tp)
  } finally {
    await tp.context().close()
  }
})

await test('tpc: the bell counts the workflow notifications, and a click opens the survey', async () => {
  // The survey workflow above accepted and finalised a TPC survey: tpc was notified of both.
  const tapi = apiAs(await signInApi('tpc'))
  const count = (await tapi('/api/v1/notifications/unread-count')).body.unread
  assert(count > 0, `tpc has ${count} unread notifications`)
  const tp = await freshPage()
  try {
    await tp.goto(BASE + '/')
    await signInUi(tp, 'tpc')
    await tp.waitForSelector('[data-test=bell-count]')
    const shown = (await tp.textContent('[data-test=bell-count]')).trim()
    assert(shown === String(count) || (count > 99 && shown === '99+'), `bell shows ${shown}, API says ${count}`)
    await tp.click('[data-test=bell]')
    await tp.waitForSelector('[data-test=bell-item]')
    const text = await tp.textContent('[data-test=bell-list]')
    assert(text.includes('分級已核定') || text.includes('調查表已受理'), `bell list: ${text}`)
    await shot('41-notification-bell', tp)
    await tp.click('[data-test=bell-item]')
    await tp.waitForURL(/\/surveys\/\d+$/)
    const after = (await tapi('/api/v1/notifications/unread-count')).body.unread
    assert(after === count - 1, `unread after a click: ${after} (was ${count})`)
  } finally {
    await tp.context().close()
  }
})

await test('sign out returns to the sign-in page', async () => {
  await page.goto(BASE + '/facilities')
  await page.waitForSelector('[data-test=facility-table] .el-table__row')
  await page.click('[data-test=user-menu]')
  await page.click('[data-test=menu-signout]')
  await page.waitForURL(/\/login\?signedout=1/)
  await page.locator('[data-test=login-notice]').waitFor()
  assert((await page.textContent('[data-test=login-notice]')).includes('已登出'), 'no signed-out notice')
  await shot('27-signed-out')
  // The session is gone: a page needs signing in again, and the cookie no longer works.
  await page.goto(BASE + '/facilities/' + target.id)
  await page.waitForURL(/\/login\?redirect=/)
  const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status)
  assert(me === 401, `/auth/me after sign-out: HTTP ${me}`)
  // Signing in again goes to the page asked for.
  await signInUi(page, 'ohs')
  await page.waitForURL(new RegExp(`/facilities/${target.id}$`))
})

await browser.close()
if (consoleErrors.length) console.log(`browser console errors (${consoleErrors.length}):\n  ` + [...new Set(consoleErrors)].slice(0, 10).join('\n  '))
const passed = results.filter((r) => r[1]).length
const failed = results.length - passed
console.log(`screenshots: ${ART}`)
console.log(`CIPMS-E2E passed=${passed} failed=${failed} skipped=${skipped}`)
process.exit(failed ? 1 : 0)
