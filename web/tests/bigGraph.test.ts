import { describe, expect, it } from 'vitest'
import { buildGraph, downstreamClosure, EDGE_COLOUR, fade, hash01, LARGE_GRAPH, nodeSize, syntheticNetwork } from '../src/lib/bigGraph'
import { OTHER_COLOUR, SECTOR_COLOURS } from '../src/lib/sectors'

const facilities = [
  { code: 'P1', name: '電廠', name_en: 'Power plant', sector: 'energy', lat: 24.1, lon: 120.5 },
  { code: 'W1', name: '淨水場', name_en: '', sector: 'water', lat: 24.2, lon: 120.6 },
  { code: 'H1', name: '醫院', name_en: 'Hospital', sector: 'emergency_hospital', lat: null, lon: null, county_code: 'TPE' },
  { code: 'X1', name: '', name_en: '', sector: 'mystery', lat: null, lon: null },
]
const deps = [
  { consumer: 'W1', resource: 'electricity', suppliers: ['P1'] },
  { consumer: 'H1', resource: 'electricity', suppliers: ['P1', 'GONE'] },
  { consumer: 'H1', resource: 'water', suppliers: ['W1'] },
  { consumer: 'P1', resource: 'water', suppliers: ['P1'] }, // a self-loop is dropped
  { consumer: 'GONE', resource: 'water', suppliers: ['W1'] },
]

describe('buildGraph (network.json → graphology for sigma.js)', () => {
  const g = buildGraph(facilities, deps, { countyCentre: (c) => (c === 'TPE' ? { lat: 25.04, lon: 121.56 } : undefined) })

  it('has a node per facility and an edge supplier → consumer among them', () => {
    expect(g.order).toBe(4)
    expect(g.size).toBe(3)
    expect(g.hasDirectedEdge('P1', 'W1')).toBe(true)
    expect(g.hasDirectedEdge('P1', 'H1')).toBe(true)
    expect(g.hasDirectedEdge('W1', 'H1')).toBe(true)
    expect(g.getEdgeAttributes(g.edges('W1', 'H1')[0])).toEqual({ resource: 'water', size: 1, color: EDGE_COLOUR })
  })

  it('colours by sector and labels in the chosen language', () => {
    expect(g.getNodeAttribute('P1', 'color')).toBe(SECTOR_COLOURS.energy)
    expect(g.getNodeAttribute('X1', 'color')).toBe(OTHER_COLOUR)
    expect(g.getNodeAttribute('P1', 'label')).toBe('P1 電廠')
    expect(g.getNodeAttribute('X1', 'label')).toBe('X1')
    const en = buildGraph(facilities, deps, { lang: 'en' })
    expect(en.getNodeAttribute('P1', 'label')).toBe('P1 Power plant')
    expect(en.getNodeAttribute('W1', 'label')).toBe('W1 淨水場') // no English name: the Chinese one
  })

  it('places nodes by longitude/latitude with a small deterministic jitter, north up', () => {
    const p = g.getNodeAttributes('P1')
    const k = Math.cos((23.7 * Math.PI) / 180)
    expect(Math.abs(p.x - 120.5 * k)).toBeLessThanOrEqual(0.06 * k + 1e-9)
    expect(Math.abs(p.y - 24.1)).toBeLessThanOrEqual(0.06 + 1e-9)
    expect(buildGraph(facilities, deps).getNodeAttributes('P1')).toMatchObject({ x: p.x, y: p.y })
    // Without coordinates: the county's centre, else somewhere around the island.
    expect(Math.abs(g.getNodeAttribute('H1', 'y') - 25.04)).toBeLessThan(0.07)
    expect(Number.isFinite(g.getNodeAttribute('X1', 'x'))).toBe(true)
  })

  it('sizes suppliers by how many depend on them', () => {
    expect(g.getNodeAttribute('P1', 'size')).toBe(nodeSize(2))
    expect(g.getNodeAttribute('H1', 'size')).toBe(nodeSize(0))
    expect(nodeSize(10000)).toBe(7)
  })

  it('can keep one sector only', () => {
    const e = buildGraph(facilities, deps, { sector: 'energy' })
    expect(e.nodes()).toEqual(['P1'])
    expect(e.size).toBe(0)
  })
})

describe('downstreamClosure', () => {
  it('follows supplier → consumer transitively', () => {
    const g = buildGraph(facilities, deps)
    expect([...downstreamClosure(g, 'P1')].sort()).toEqual(['H1', 'P1', 'W1'])
    expect([...downstreamClosure(g, 'H1')]).toEqual(['H1'])
    expect(downstreamClosure(g, 'NOPE').size).toBe(0)
  })
})

describe('syntheticNetwork', () => {
  it('is deterministic and large enough for the sigma.js view', () => {
    const a = syntheticNetwork(10000)
    expect(a.facilities).toHaveLength(10000)
    expect(a.facilities.length).toBeGreaterThan(LARGE_GRAPH)
    expect(syntheticNetwork(10000).deps).toEqual(a.deps)
    const g = buildGraph(a.facilities, a.deps)
    expect(g.order).toBe(10000)
    expect(g.size).toBeGreaterThan(10000)
    g.forEachNode((_, n) => {
      expect(n.y).toBeGreaterThan(21.5)
      expect(n.y).toBeLessThan(26.5)
    })
  })
})

describe('helpers', () => {
  it('hash01 is in [0, 1) and stable', () => {
    const h = hash01('E-0001', 1)
    expect(h).toBeGreaterThanOrEqual(0)
    expect(h).toBeLessThan(1)
    expect(hash01('E-0001', 1)).toBe(h)
    expect(hash01('E-0001', 2)).not.toBe(h)
  })
  it('fade mixes with white', () => {
    expect(fade('#000000', 0.5)).toBe('#808080')
    expect(fade('#d62728', 0)).toBe('#d62728')
    expect(fade('#ffffff')).toBe('#ffffff')
    expect(fade('red')).toBe('red')
  })
})
