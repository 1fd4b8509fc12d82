// One colour per sector of the taxonomy; chosen to be told apart on a light map and graph.
export const SECTOR_COLOURS: Record<string, string> = {
  energy: '#d62728',
  water: '#1f77b4',
  communications: '#9467bd',
  transportation: '#ff7f0e',
  finance: '#2ca02c',
  emergency_hospital: '#e377c2',
  government: '#7f7f7f',
  industrial_parks: '#8c564b',
}
export const OTHER_COLOUR = '#17becf'
export const DOWN_COLOUR = '#b00020'

export function sectorColour(code: string | undefined): string {
  return (code && SECTOR_COLOURS[code]) || OTHER_COLOUR
}
