// The graph explorer at 10,000 nodes: time to first render and frame rate while panning, in
// headless Debian Chromium with its software WebGL (SwiftShader; no GPU on the test machines),
// measured the way e2e/run.mjs does (rAF frames counted while playwright drags the mouse), but
// repeated and with a longer drag. Against a running `cipms serve --demo`:
//   CIPMS_URL=http://127.0.0.1:PORT CIPMS_DEMO_PASSWORD=... node e2e/graph-bench.mjs [N=10000] [RUNS=5]
// Prints one line per run and the medians. docs/performance.md ("Web UI") has the figures.
import { chromium } from 'playwright-core'

const BASE = process.env.CIPMS_URL ?? 'http://127.0.0.1:18080'
const PASSWORD = process.env.CIPMS_DEMO_PASSWORD || 'cipms-demo-2026'
const N = Number(process.argv[2] ?? 10000)
const RUNS = Number(process.argv[3] ?? 5)

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader'],
})
const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-TW', timezoneId: 'Asia/Taipei' })
const page = await ctx.newPage()
await page.goto(BASE + '/login')
await page.fill('#login-username', 'ohs')
await page.fill('#login-password', PASSWORD)
await page.click('[data-test=login-submit]')
await page.waitForURL((u) => !u.pathname.startsWith('/login'))

/** Frames/s and frame intervals while dragging across the graph with `moves` mouse moves. */
async function pan(moves, step) {
  const box = await page.locator('[data-test=biggraph]').boundingBox()
  await page.evaluate(() => {
    window.__frames = []
    window.__counting = true
    const tick = (ts) => { window.__frames.push(ts); if (window.__counting) requestAnimationFrame(tick) }
    requestAnimationFrame(tick)
    window.__t0 = performance.now()
  })
  const x = box.x + box.width / 2, y = box.y + box.height / 2
  await page.mouse.move(x, y)
  await page.mouse.down()
  for (let i = 1; i <= moves; i++) await page.mouse.move(x + ((i * step) % 400), y + (i % 10) * 3)
  await page.mouse.up()
  return page.evaluate(() => {
    window.__counting = false
    const f = window.__frames
    const gaps = f.slice(1).map((t, i) => t - f[i]).sort((a, b) => a - b)
    const q = (p) => (gaps.length ? Math.round(gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))]) : NaN)
    return { fps: Math.round((f.length * 1000) / (performance.now() - window.__t0)), p50: q(0.5), p95: q(0.95) }
  })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const rows = []
for (let r = 0; r < RUNS; r++) {
  const t0 = Date.now()
  await page.goto(`${BASE}/graph?view=synthetic&n=${N}`)
  await page.waitForFunction(() => Number(document.querySelector('[data-test=biggraph]')?.dataset.rendered ?? 0) > 0, null, { timeout: 120000 })
  const first = Date.now() - t0
  const sigmaMs = Number(await page.getAttribute('[data-test=biggraph]', 'data-render-ms'))
  await page.waitForTimeout(500)
  const short = await pan(20, 8) // as e2e/run.mjs
  await page.waitForTimeout(300)
  const long = await pan(120, 6)
  rows.push({ first, sigmaMs, short: short.fps, long: long.fps, p50: long.p50, p95: long.p95 })
  console.log(`run ${r + 1}: first render ${first} ms (graph built → first frame ${sigmaMs} ms); pan ${short.fps} frames/s (20 moves), ${long.fps} frames/s (120 moves; frame interval median ${long.p50} ms, p95 ${long.p95} ms)`)
}
const m = (k) => median(rows.map((x) => x[k]))
console.log(`MEDIAN n=${N}: first render ${m('first')} ms, graph built → first frame ${m('sigmaMs')} ms, pan ${m('short')} frames/s (20 moves), ${m('long')} frames/s (120 moves), frame interval median ${m('p50')} ms p95 ${m('p95')} ms`)
await browser.close()
