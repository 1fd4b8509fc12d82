// Large dependency graphs (thousands of nodes) for sigma.js: a graphology graph built from
// network.json's dependencies, positioned from latitude/longitude with a small deterministic
// jitter (no layout to compute, so nothing freezes the page), coloured by sector. Pure logic,
// tested in tests/bigGraph.test.ts.
import Graph from 'graphology'
import { sectorColour, SECTOR_COLOURS } from './sectors'

/** Above this many nodes the explorer draws with sigma.js (WebGL) instead of Cytoscape.js. */
export const LARGE_GRAPH = 2000

export interface NetworkDep {
  consumer: string
  resource: string
  suppliers: string[]
}
export interface FacilityPoint {
  code: string
  name?: string
  name_en?: string
  sector?: string
  lat?: number | null
  lon?: number | null
  county_code?: string
}
export interface NodeAttrs {
  x: number
  y: number
  size: number
  color: string
  label: string
  sector: string
}
export interface EdgeAttrs {
  resource: string
  size: number
  color: string
}
export type BigGraph = Graph<NodeAttrs, EdgeAttrs>

export const EDGE_COLOUR = 'rgba(100, 110, 120, 0.35)'

/** A number in [0, 1) from a string (FNV-1a), so the jitter is the same on every load. */
export function hash01(s: string, salt = 0): number {
  let h = 0x811c9dc5 ^ salt
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) / 4294967296
}

/** Node size: a little larger for facilities that many others depend on. */
export const nodeSize = (outDegree: number) => Math.min(7, 1.5 + Math.sqrt(outDegree) * 0.6)

/**
 * Builds the graph of the given facilities (all of them, or one sector's) and the dependencies
 * among them: an edge supplier → consumer per supplier (the direction failure spreads).
 * Positions: x = lon·cos(23.7°), y = lat (north up), plus up to `jitter` degrees so that
 * facilities at the same address do not sit on top of each other; facilities without
 * coordinates go to their county's centre (`countyCentre`) or to a ring around the island.
 */
export function buildGraph(
  facilities: FacilityPoint[],
  deps: NetworkDep[],
  opts: {
    lang?: string
    sector?: string
    jitter?: number
    countyCentre?: (county: string) => { lat: number; lon: number } | undefined
  } = {},
): BigGraph {
  const g: BigGraph = new Graph({ type: 'directed', multi: true, allowSelfLoops: false })
  const jitter = opts.jitter ?? 0.06
  const k = Math.cos((23.7 * Math.PI) / 180)
  let orphan = 0
  for (const f of facilities) {
    if (opts.sector && f.sector !== opts.sector) continue
    if (g.hasNode(f.code)) continue
    let lat = f.lat ?? undefined
    let lon = f.lon ?? undefined
    if (lat === undefined || lon === undefined) {
      const c = f.county_code ? opts.countyCentre?.(f.county_code) : undefined
      if (c) ({ lat, lon } = c)
      else {
        const a = (orphan++ * 2.399963) % (2 * Math.PI) // golden angle around the island
        lat = 23.7 + 2.2 * Math.sin(a)
        lon = 121 + 2.2 * Math.cos(a)
      }
    }
    const name = opts.lang === 'en' ? f.name_en || f.name : f.name || f.name_en
    g.addNode(f.code, {
      x: (lon + (hash01(f.code, 1) - 0.5) * 2 * jitter) * k,
      y: lat + (hash01(f.code, 2) - 0.5) * 2 * jitter,
      size: 1.5,
      color: sectorColour(f.sector),
      label: name ? `${f.code} ${name}` : f.code,
      sector: f.sector ?? '',
    })
  }
  for (const d of deps) {
    if (!g.hasNode(d.consumer)) continue
    for (const s of d.suppliers) {
      if (s === d.consumer || !g.hasNode(s)) continue
      g.addDirectedEdge(s, d.consumer, { resource: d.resource, size: 1, color: EDGE_COLOUR })
    }
  }
  g.forEachNode((n) => g.setNodeAttribute(n, 'size', nodeSize(g.outDegree(n))))
  return g
}

/** A deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A synthetic network of n facilities over Taiwan's extent (for scale tests beyond the demo):
 * sectors in turn, each consumer depending on 1–3 suppliers, mostly nearby ones.
 */
export function syntheticNetwork(n: number, seed = 42): { facilities: FacilityPoint[]; deps: NetworkDep[] } {
  const rand = rng(seed)
  const sectors = Object.keys(SECTOR_COLOURS)
  const facilities: FacilityPoint[] = []
  for (let i = 0; i < n; i++) {
    // Clustered around a few "cities" along the west coast, like the real island.
    const city = Math.floor(rand() * 6)
    const spread = () => (rand() + rand() + rand() - 1.5) * 0.5
    const lat = 22.4 + city * 0.62 + spread()
    const lon = 120.3 + city * 0.2 + spread()
    const code = `SYN-${String(i).padStart(5, '0')}`
    facilities.push({ code, name: `合成設施 ${i}`, name_en: `Synthetic ${i}`, sector: sectors[i % sectors.length], lat, lon })
  }
  const deps: NetworkDep[] = []
  for (let i = 0; i < n; i++) {
    const m = 1 + Math.floor(rand() * 3)
    for (let j = 0; j < m; j++) {
      // Mostly a neighbour in index order (which is spatially random), sometimes a hub.
      const s = rand() < 0.2 ? Math.floor(rand() * Math.min(n, 50)) : Math.floor(rand() * n)
      if (s !== i) deps.push({ consumer: facilities[i].code, resource: sectors[s % sectors.length], suppliers: [facilities[s].code] })
    }
  }
  return { facilities, deps }
}

/** Everything that fails, transitively, when `start` fails (following supplier → consumer). */
export function downstreamClosure(g: BigGraph, start: string): Set<string> {
  const out = new Set<string>()
  if (!g.hasNode(start)) return out
  const queue = [start]
  out.add(start)
  while (queue.length) {
    const n = queue.pop()!
    g.forEachOutNeighbor(n, (m) => {
      if (!out.has(m)) {
        out.add(m)
        queue.push(m)
      }
    })
  }
  return out
}

/** A #rrggbb colour mixed with white (amount 0..1): the faded look of nodes not highlighted. */
export function fade(hex: string, amount = 0.75): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex)
  if (!m) return hex
  const v = parseInt(m[1], 16)
  const mix = (c: number) => Math.round(c + (255 - c) * amount).toString(16).padStart(2, '0')
  return `#${mix((v >> 16) & 255)}${mix((v >> 8) & 255)}${mix(v & 255)}`
}
