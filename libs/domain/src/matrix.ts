import type {
  AspectInput,
  BackgroundInput,
  CellPattern,
  CustomValueInput,
  LabelInput,
  MarketInput,
  MatrixInput,
  MatrixSettings,
} from '@shotmatrix/contracts';
import { DomainError } from './errors';

export type CopyFields = Record<string, string | number>;

/** What decides a cell's pixels, after inheritance: campaign defaults → dimension values → cell overrides. */
export interface ResolvedRender {
  template: string;
  /** Copy as it appears on screen: numbers formatted, price in the market's currency. */
  fields: Record<string, string>;
  locale: string;
  language: string;
  direction: 'ltr' | 'rtl';
  plateId: string | null;
  lut: string | null;
  fonts: string[];
  aspect: string | null;
  motionAdherence: number;
  structureAdherence: number;
  params: Record<string, unknown>;
}

/** One cell of the matrix with its parameters resolved. */
export interface MatrixCell {
  /** Stable identity of the cell: `market=de;label=classic;background=beach`. */
  key: string;
  coords: Record<string, string>;
  market: MarketInput;
  label: LabelInput;
  background: BackgroundInput;
  aspect: AspectInput | null;
  render: ResolvedRender;
}

export interface Dimension {
  name: string;
  values: Array<{ code: string }>;
}

const RTL_LANGUAGES = new Set(['ar', 'he', 'fa', 'ur', 'ps', 'yi', 'dv', 'ku', 'sd', 'ug']);

/** Built-in dimensions first in a fixed order, then the producer's own by name: the order cell keys use. */
export function listDimensions(m: MatrixInput): Dimension[] {
  const dims: Dimension[] = [
    { name: 'market', values: m.markets },
    { name: 'label', values: m.labels },
    { name: 'background', values: m.backgrounds },
  ];
  if (m.aspects) dims.push({ name: 'aspect', values: m.aspects });
  for (const name of Object.keys(m.dimensions ?? {}).sort()) dims.push({ name, values: m.dimensions![name] });
  return dims;
}

export const cellKeyOf = (dims: Dimension[], coords: Record<string, string>) => dims.map((d) => `${d.name}=${coords[d.name]}`).join(';');

/** Semantic checks a schema cannot express; the message names the place in the file. */
export function assertMatrixConsistent(m: MatrixInput): void {
  const dims = listDimensions(m);
  const codes = new Map(dims.map((d) => [d.name, new Set<string>()]));
  for (const d of dims) {
    for (const v of d.values) {
      if (codes.get(d.name)!.has(v.code)) throw new DomainError('MATRIX_DUPLICATE_CODE', `${d.name} code "${v.code}" appears twice`);
      codes.get(d.name)!.add(v.code);
    }
  }
  for (const name of Object.keys(m.dimensions ?? {})) {
    if ((['market', 'label', 'background', 'aspect'] as string[]).includes(name)) {
      throw new DomainError('MATRIX_RESERVED_DIMENSION', `dimensions.${name}: "${name}" is a built-in dimension; list its values under ${name}s`);
    }
  }
  for (const label of m.labels) {
    for (const code of label.markets ?? []) {
      if (!codes.get('market')!.has(code)) {
        throw new DomainError('MATRIX_UNKNOWN_MARKET', `label "${label.code}" names market "${code}", which is not in the matrix`);
      }
    }
  }
  m.markets.forEach((market, i) => {
    if (market.copy.price !== undefined && !market.currency) {
      throw new DomainError('MATRIX_PRICE_WITHOUT_CURRENCY', `markets[${i}].currency: market "${market.code}" has a price but no currency`);
    }
  });
  const checkPattern = (where: string, p: CellPattern) => {
    for (const [dim, value] of Object.entries(p)) {
      const known = codes.get(dim);
      if (!known) throw new DomainError('MATRIX_UNKNOWN_DIMENSION', `${where}.${dim}: there is no dimension "${dim}" in the matrix`);
      for (const code of Array.isArray(value) ? value : [value]) {
        if (!known.has(code)) throw new DomainError('MATRIX_UNKNOWN_CODE', `${where}.${dim}: there is no ${dim} "${code}" in the matrix`);
      }
    }
  };
  (m.exclusions ?? []).forEach((p, i) => checkPattern(`exclusions[${i}]`, p));
  (m.overrides ?? []).forEach((o, i) => checkPattern(`overrides[${i}].match`, o.match));
}

const matches = (p: CellPattern, coords: Record<string, string>) =>
  Object.entries(p).every(([dim, v]) => (Array.isArray(v) ? v.includes(coords[dim]) : v === coords[dim]));

/**
 * Every cell of the matrix — the product of all dimensions, less labels
 * limited to other markets and less exclusions — in a stable order, each
 * with its parameters resolved.
 */
export function expandMatrix(m: MatrixInput): MatrixCell[] {
  assertMatrixConsistent(m);
  const dims = listDimensions(m);
  const byCode = new Map(dims.map((d) => [d.name, new Map(d.values.map((v) => [v.code, v]))]));
  const cells: MatrixCell[] = [];
  const coords: Record<string, string> = {};
  const formatters = new Map<string, Intl.NumberFormat>();

  const visit = (depth: number) => {
    if (depth === dims.length) {
      const label = byCode.get('label')!.get(coords.label) as LabelInput;
      if (label.markets && !label.markets.includes(coords.market)) return;
      if (m.exclusions?.some((p) => matches(p, coords))) return;
      const c = { ...coords };
      cells.push(resolveCell(m, dims, byCode, c, formatters));
      return;
    }
    for (const v of dims[depth].values) {
      coords[dims[depth].name] = v.code;
      visit(depth + 1);
    }
  };
  visit(0);
  return cells;
}

function resolveCell(
  m: MatrixInput,
  dims: Dimension[],
  byCode: Map<string, Map<string, { code: string }>>,
  coords: Record<string, string>,
  formatters: Map<string, Intl.NumberFormat>,
): MatrixCell {
  const market = byCode.get('market')!.get(coords.market) as MarketInput;
  const label = byCode.get('label')!.get(coords.label) as LabelInput;
  const background = byCode.get('background')!.get(coords.background) as BackgroundInput;
  const aspect = coords.aspect ? (byCode.get('aspect')!.get(coords.aspect) as AspectInput) : null;

  const layers: MatrixSettings[] = [m.defaults ?? {}];
  layers.push({ copy: market.copy });
  layers.push({ copy: label.fields });
  for (const d of dims.slice(m.aspects ? 4 : 3)) {
    const v = byCode.get(d.name)!.get(coords[d.name]) as CustomValueInput;
    layers.push(settingsFromParams(v.params));
  }
  for (const o of m.overrides ?? []) if (matches(o.match, coords)) layers.push(o);

  const copy: CopyFields = {};
  const params: Record<string, unknown> = {};
  let template = label.template;
  let motionAdherence = 1;
  let structureAdherence = 1;
  for (const layer of layers) {
    Object.assign(copy, stripUndefined(layer.copy));
    Object.assign(params, layer.params);
    if (layer.motionAdherence !== undefined) motionAdherence = layer.motionAdherence;
    if (layer.structureAdherence !== undefined) structureAdherence = layer.structureAdherence;
  }
  // The label names its template; only a cell override may swap it.
  for (const o of m.overrides ?? []) if (o.template && matches(o.match, coords)) template = o.template;

  const language = market.language ?? market.locale.split('-')[0].toLowerCase();
  const fields: Record<string, string> = {};
  if (typeof copy.price === 'number' && !market.currency) {
    // The market's own price is caught by assertMatrixConsistent; this one came from a label, a dimension value or an override.
    throw new DomainError(
      'MATRIX_PRICE_WITHOUT_CURRENCY',
      `markets[${m.markets.indexOf(market)}].currency: market "${market.code}" gets a price in cell ${cellKeyOf(dims, coords)} but has no currency`,
    );
  }
  for (const [k, v] of Object.entries(copy)) {
    if (k === 'price' && typeof v === 'number') fields[k] = formatPrice(v, market, formatters);
    else fields[k] = typeof v === 'number' ? String(v) : v;
  }
  return {
    key: cellKeyOf(dims, coords),
    coords,
    market,
    label,
    background,
    aspect,
    render: {
      template,
      fields,
      locale: market.locale,
      language,
      direction: market.direction ?? (RTL_LANGUAGES.has(language) ? 'rtl' : 'ltr'),
      plateId: background.plateId ?? null,
      lut: market.lut ?? null,
      fonts: market.fonts ?? [],
      aspect: aspect?.ratio ?? null,
      motionAdherence,
      structureAdherence,
      params,
    },
  };
}

/** A custom dimension value may carry settings (copy, template, adherence) beside free parameters. */
function settingsFromParams(p: Record<string, unknown>): MatrixSettings {
  const { copy, motionAdherence, structureAdherence, ...rest } = p as Record<string, never>;
  return { copy, motionAdherence, structureAdherence, params: rest };
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function formatPrice(price: number, market: MarketInput, cache: Map<string, Intl.NumberFormat>): string {
  const id = `${market.locale}|${market.currency}`;
  let f = cache.get(id);
  if (!f) {
    f = new Intl.NumberFormat(market.locale, { style: 'currency', currency: market.currency! });
    cache.set(id, f);
  }
  return f.format(price);
}
