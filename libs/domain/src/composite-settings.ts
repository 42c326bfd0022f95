import { DomainError } from './errors';

/** Deliverables a render can write (the compositor's output kinds). */
export const DELIVERABLES = ['draft', 'master', 'prores', 'hdr10', 'exr'] as const;
export type Deliverable = (typeof DELIVERABLES)[number];

/**
 * How a variant is composited, from the cell's free parameters (defaults,
 * dimension values, overrides). Every key is optional; a wrong value is a
 * producer's mistake and is named.
 */
export interface CompositeSettings {
  /** Matte shrink in master pixels (0…20): removes a fringe of the old background. */
  choke: number;
  /** Matte edge softness in master pixels (0…50). */
  feather: number;
  /** 0…1: the new plate's light over the subject's edge. */
  lightWrap: number;
  /** 0…1: how much of the market LUT the plate takes. */
  gradePlate: number;
  /** 0…1: the LUT on the whole picture; the subject takes it by (1 − structure adherence). */
  gradeFrame: number;
  /** 0…1: the share of a full colour transfer toward the plate the subject takes at s = 0. */
  harmonise: number;
  /** Which deliverables to write; a browser-playable one (draft or master) is always among them. */
  outputs: Deliverable[];
  /**
   * The tracked label plane (its `label-quad` keyframes on the master) the
   * label is warped onto; null puts the label in the title-safe corner.
   */
  labelPlane: string | null;
}

export const DEFAULT_COMPOSITE_SETTINGS: CompositeSettings = {
  choke: 1,
  feather: 2,
  // Off by default: it costs two full-frame blurs a frame; producers turn it on where edges need it.
  lightWrap: 0,
  gradePlate: 1,
  gradeFrame: 0.5,
  harmonise: 0.5,
  outputs: ['master'],
  labelPlane: null,
};

const RANGES: Record<Exclude<keyof CompositeSettings, 'outputs' | 'labelPlane'>, [number, number]> = {
  choke: [0, 20],
  feather: [0, 50],
  lightWrap: [0, 1],
  gradePlate: [0, 1],
  gradeFrame: [0, 1],
  harmonise: [0, 1],
};

export function compositeSettings(params: Record<string, unknown>, where = 'params'): CompositeSettings {
  const out: CompositeSettings = { ...DEFAULT_COMPOSITE_SETTINGS, outputs: [...DEFAULT_COMPOSITE_SETTINGS.outputs] };
  for (const [key, [lo, hi]] of Object.entries(RANGES) as Array<[keyof typeof RANGES, [number, number]]>) {
    const v = params[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
      throw new DomainError('MATRIX_BAD_SETTING', `${where}.${key}: expected a number from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
    }
    out[key] = v;
  }
  const plane = params.labelPlane;
  if (plane !== undefined && plane !== null) {
    if (typeof plane !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,39}$/.test(plane)) {
      throw new DomainError('MATRIX_BAD_SETTING', `${where}.labelPlane: expected the name of a label plane (lower-case letters, digits, "-", "_"), got ${JSON.stringify(plane)}`);
    }
    out.labelPlane = plane;
  }
  const o = params.outputs;
  if (o !== undefined) {
    if (!Array.isArray(o) || !o.length || o.some((k) => !DELIVERABLES.includes(k as Deliverable)) || new Set(o).size !== o.length) {
      throw new DomainError('MATRIX_BAD_SETTING', `${where}.outputs: expected a list of distinct ${DELIVERABLES.join(', ')}, got ${JSON.stringify(o)}`);
    }
    out.outputs = o as Deliverable[];
    if (!out.outputs.includes('master') && !out.outputs.includes('draft')) out.outputs.unshift('draft');
  }
  return out;
}
