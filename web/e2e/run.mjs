// Browser tests of the web UI against a real, started cipms server (scripts/run-web-tests.sh
// starts it). Debian's Chromium driven by playwright-core; no browser download.
//   CIPMS_URL=http://127.0.0.1:PORT node e2e/run.mjs
// Prints one line per test, timings (first load, map), and ends with
// "CIPMS-E2E passed=N failed=M". Screenshots go to ../test-artifacts/web/.
import { chromium } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const BASE = process.env.CIPMS_URL ?? 'http://127.0.0.1:18080'
const ART = process.env.CIPMS_ARTIFACTS ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/web')
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
const ONLY = process.env.E2E_ONLY ?? ''
mkdirSync(ART, { recursive: true })

const api = async (p, init) => {
  const r = await fetch(BASE + p, init)
  const text = await r.text()
  return { status: r.status, etag: r.headers.get('etag'), body: text ? JSON.parse(text) : null }
}
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
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-TW', timezoneId: 'Asia/Taipei' })
const page = await context.newPage()
const consoleErrors = []
page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
page.on('pageerror', (e) => consoleErrors.push(String(e)))
page.setDefaultTimeout(15000)
const shot = (name) => page.screenshot({ path: path.join(ART, `${name}.png`), fullPage: false })

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
    console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`)
    await shot(`FAILED-${name.replace(/\W+/g, '_')}`).catch(() => {})
  }
}

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
  assert((await page.textContent('[data-test=user-slot]')).trim() === '', 'the user slot must stay empty until sign-in exists')
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
  const sectors = await page.$$eval('[data-test=facility-table] .el-table__row td:nth-child(3)', (tds) => tds.map((td) => td.textContent.trim()))
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

await browser.close()
if (consoleErrors.length) console.log(`browser console errors (${consoleErrors.length}):\n  ` + [...new Set(consoleErrors)].slice(0, 10).join('\n  '))
const passed = results.filter((r) => r[1]).length
const failed = results.length - passed
console.log(`screenshots: ${ART}`)
console.log(`CIPMS-E2E passed=${passed} failed=${failed} skipped=${skipped}`)
process.exit(failed ? 1 : 0)
