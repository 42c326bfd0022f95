import { isUuid } from './ids';
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
  /**
   * An uploaded image with alpha (a plate of this campaign, by id) shown in
   * place of the label template: a packshot mapped onto the label plane, or
   * set in the label's corner when there is no plane.
   */
  packshot: string | null;
  /** Timed overlays from `super` templates: supers, legal lines, end cards, each on between two timing marks. */
  supers: SuperSetting[];
  /** Seconds the legal line must be on screen; QC fails a variant below it (0: no requirement). */
  legalMinSeconds: number;
  /**
   * Effect layers between the plate and the subject (haze, light leaks, a
   * graphic the subject passes in front of): stills with alpha uploaded as
   * plates, scaled to cover the frame, each on between two timing marks.
   */
  effects: EffectSetting[];
}

export interface EffectSetting {
  /** The image's plate id (a PNG with alpha, uploaded to this campaign). */
  plate: string;
  /** Timing marks it starts and ends on; null: the shot's first or last frame. */
  from: string | null;
  to: string | null;
  /** 0…1: how strongly it shows (multiplies its alpha). */
  opacity: number;
}

export const SUPER_ROLES = ['super', 'legal', 'endcard'] as const;
export type SuperRole = (typeof SUPER_ROLES)[number];

export interface SuperSetting {
  template: string;
  role: SuperRole;
  /** Timing marks (the master's `mark` keyframes) it starts and ends on; null: the shot's first or last frame. */
  from: string | null;
  to: string | null;
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
  packshot: null,
  supers: [],
  legalMinSeconds: 0,
  effects: [],
};

const RANGES: Record<Exclude<keyof CompositeSettings, 'outputs' | 'labelPlane' | 'packshot' | 'supers' | 'effects'>, [number, number]> = {
  choke: [0, 20],
  feather: [0, 50],
  lightWrap: [0, 1],
  gradePlate: [0, 1],
  gradeFrame: [0, 1],
  harmonise: [0, 1],
  legalMinSeconds: [0, 60],
};

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const MAX_SUPERS = 8;
const MAX_EFFECTS = 4;

/** A timing mark's name from a setting, or null for the shot's start or end. */
function markName(v: unknown, bad: (what: string) => DomainError): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !NAME.test(v)) throw bad('must name a timing mark on the master');
  return v;
}

function parseEffects(v: unknown, where: string): EffectSetting[] {
  const bad = (at: string, what: string) => new DomainError('MATRIX_BAD_SETTING', `${where}.effects${at}: ${what}`);
  if (!Array.isArray(v)) throw bad('', 'expected a list of { plate, from, to, opacity }');
  if (v.length > MAX_EFFECTS) throw bad('', `at most ${MAX_EFFECTS} effect layers a cell (each costs a full-frame blend every frame)`);
  return v.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw bad(`[${i}]`, 'expected { plate, from, to, opacity }');
    const o = item as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => !['plate', 'from', 'to', 'opacity'].includes(k));
    if (unknown.length) throw bad(`[${i}]`, `unknown key ${unknown[0]}`);
    if (typeof o.plate !== 'string' || !isUuid(o.plate)) throw bad(`[${i}].plate`, `expected the id of an image uploaded to this campaign's plates, got ${JSON.stringify(o.plate)}`);
    const opacity = o.opacity ?? 1;
    if (typeof opacity !== 'number' || !(opacity > 0 && opacity <= 1)) throw bad(`[${i}].opacity`, `expected a number above 0 and up to 1, got ${JSON.stringify(o.opacity)}`);
    return {
      plate: o.plate.toLowerCase(),
      from: markName(o.from, (w) => bad(`[${i}].from`, w)),
      to: markName(o.to, (w) => bad(`[${i}].to`, w)),
      opacity,
    };
  });
}

function parseSupers(v: unknown, where: string): SuperSetting[] {
  const bad = (at: string, what: string) => new DomainError('MATRIX_BAD_SETTING', `${where}.supers${at}: ${what}`);
  if (!Array.isArray(v)) throw bad('', 'expected a list of { template, role, from, to }');
  if (v.length > MAX_SUPERS) throw bad('', `at most ${MAX_SUPERS} overlays a cell`);
  return v.map((item, i) => {
    const o = (item ?? {}) as Record<string, unknown>;
    if (typeof item !== 'object' || Array.isArray(item)) throw bad(`[${i}]`, 'expected { template, role, from, to }');
    const unknown = Object.keys(o).filter((k) => !['template', 'role', 'from', 'to'].includes(k));
    if (unknown.length) throw bad(`[${i}]`, `unknown key ${unknown[0]}`);
    if (typeof o.template !== 'string' || !/^[a-z0-9-]+$/.test(o.template)) throw bad(`[${i}].template`, 'must name a template in templates/');
    const role = o.role ?? 'super';
    if (!SUPER_ROLES.includes(role as SuperRole)) throw bad(`[${i}].role`, `must be one of ${SUPER_ROLES.join(', ')}`);
    const mark = (k: 'from' | 'to') => {
      const m = o[k];
      if (m === undefined || m === null) return null;
      if (typeof m !== 'string' || !NAME.test(m)) throw bad(`[${i}].${k}`, 'must name a timing mark on the master');
      return m;
    };
    return { template: o.template, role: role as SuperRole, from: mark('from'), to: mark('to') };
  });
}

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
  if (params.supers !== undefined) out.supers = parseSupers(params.supers, where);
  if (params.effects !== undefined) out.effects = parseEffects(params.effects, where);
  const plane = params.labelPlane;
  if (plane !== undefined && plane !== null) {
    if (typeof plane !== 'string' || !NAME.test(plane)) {
      throw new DomainError('MATRIX_BAD_SETTING', `${where}.labelPlane: expected the name of a label plane (lower-case letters, digits, "-", "_"), got ${JSON.stringify(plane)}`);
    }
    out.labelPlane = plane;
  }
  const packshot = params.packshot;
  if (packshot !== undefined && packshot !== null) {
    if (typeof packshot !== 'string' || !isUuid(packshot)) {
      throw new DomainError('MATRIX_BAD_SETTING', `${where}.packshot: expected the id of an image uploaded to this campaign's plates, got ${JSON.stringify(packshot)}`);
    }
    out.packshot = packshot.toLowerCase();
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
