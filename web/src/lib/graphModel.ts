// Builds Cytoscape elements from the registry's dependency views. A dependency of consumer C
// with suppliers S1..Sn becomes the edges Si → C (the direction in which failure spreads).
import type { Dependency } from '../api/types'

export interface NodeInfo {
  code: string
  id?: number
  label: string
  sector: string
}
export interface EdgeInfo {
  id: string
  source: string
  target: string
  resource: string
}

export function edgesOf(deps: Dependency[]): { edges: EdgeInfo[]; codes: Map<string, number> } {
  const edges: EdgeInfo[] = []
  const codes = new Map<string, number>()
  for (const d of deps) {
    codes.set(d.consumer_code, d.consumer)
    d.supplier_codes.forEach((s, i) => {
      codes.set(s, d.suppliers[i])
      edges.push({ id: `${s}>${d.consumer_code}:${d.resource}`, source: s, target: d.consumer_code, resource: d.resource })
    })
  }
  return { edges, codes }
}

/** network.json dependencies (codes) → edges among the given codes only. */
export function edgesAmong(
  deps: { consumer: string; resource: string; suppliers: string[] }[],
  among: Set<string>,
): EdgeInfo[] {
  const out: EdgeInfo[] = []
  for (const d of deps) {
    if (!among.has(d.consumer)) continue
    for (const s of d.suppliers)
      if (among.has(s)) out.push({ id: `${s}>${d.consumer}:${d.resource}`, source: s, target: d.consumer, resource: d.resource })
  }
  return out
}
