import type { MatrixInput } from '@shotmatrix/contracts';

/** The compositing settings a producer may change for one cell from its review page. */
export const CELL_SETTINGS = [
  { key: 'motionAdherence', label: 'Motion adherence', min: 0, max: 1, step: 0.05, top: true },
  { key: 'structureAdherence', label: 'Structure adherence', min: 0, max: 1, step: 0.05, top: true },
  { key: 'choke', label: 'Matte choke (px)', min: 0, max: 20, step: 1, top: false },
  { key: 'feather', label: 'Matte feather (px)', min: 0, max: 50, step: 1, top: false },
  { key: 'lightWrap', label: 'Light wrap', min: 0, max: 1, step: 0.05, top: false },
  { key: 'gradePlate', label: 'Grade on the plate', min: 0, max: 1, step: 0.05, top: false },
  { key: 'gradeFrame', label: 'Grade on the frame', min: 0, max: 1, step: 0.05, top: false },
  { key: 'harmonise', label: 'Harmonise the subject', min: 0, max: 1, step: 0.05, top: false },
] as const;
export type CellSettingKey = (typeof CELL_SETTINGS)[number]['key'];
export type CellSettings = Partial<Record<CellSettingKey, number>>;

type Override = NonNullable<MatrixInput['overrides']>[number];

const sameCell = (match: Override['match'], coords: Record<string, string>) =>
  Object.keys(match).length === Object.keys(coords).length && Object.entries(coords).every(([d, code]) => match[d] === code);

/** What the cell's own override sets today (blank fields keep the campaign's values). */
export function currentCellSettings(matrix: MatrixInput, coords: Record<string, string>): CellSettings {
  const o = (matrix.overrides ?? []).find((x) => sameCell(x.match, coords));
  if (!o) return {};
  const out: CellSettings = {};
  for (const s of CELL_SETTINGS) {
    const v = s.top ? (o as Record<string, unknown>)[s.key] : o.params?.[s.key];
    if (typeof v === 'number') out[s.key] = v;
  }
  return out;
}

/**
 * The matrix with this one cell's settings changed: an override matching
 * exactly its coordinates, merged into the one already there (copy and other
 * parameters kept), applied last as overrides are. Unset keys are removed from
 * the override, so the cell goes back to the campaign's value for them.
 */
export function withCellSettings(matrix: MatrixInput, coords: Record<string, string>, settings: CellSettings): MatrixInput {
  const overrides = [...(matrix.overrides ?? [])];
  const i = overrides.findIndex((x) => sameCell(x.match, coords));
  const base: Override = i >= 0 ? overrides[i] : { match: { ...coords } };
  const next: Override = { ...base, params: { ...(base.params ?? {}) } };
  for (const s of CELL_SETTINGS) {
    const v = settings[s.key];
    if (s.top) {
      if (v === undefined) delete (next as Record<string, unknown>)[s.key];
      else (next as Record<string, unknown>)[s.key] = v;
    } else if (v === undefined) delete next.params![s.key];
    else next.params![s.key] = v;
  }
  if (!Object.keys(next.params!).length) delete next.params;
  if (i >= 0) overrides[i] = next;
  else overrides.push(next);
  return { ...matrix, overrides };
}

/** Why a typed value cannot be used, or null (blank is fine: it keeps the campaign's value). */
export function settingProblem(key: CellSettingKey, raw: string): string | null {
  if (raw.trim() === '') return null;
  const s = CELL_SETTINGS.find((x) => x.key === key)!;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < s.min || v > s.max) return `${s.label} must be a number from ${s.min} to ${s.max}`;
  return null;
}
