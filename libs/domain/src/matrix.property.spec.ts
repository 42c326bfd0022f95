import { createHash } from 'node:crypto';
import { matrixSchema, type CellPattern, type MatrixInput } from '@shotmatrix/contracts';
import fc from 'fast-check';
import { DomainError } from './errors';
import { expandMatrix, type MatrixCell } from './matrix';
import { renderKey } from './render-key';

/*
 * Property tests of matrix expansion. Expected values are computed here by
 * brute force over the full product of the dimensions, never with matrix.ts's
 * own helpers, so a bug shared by the code and its oracle cannot hide.
 */

const RUNS = 100;
/** Sizes are 1–6 per dimension; the product is capped so a run stays fast. */
const MAX_CELLS = 400;

const LOCALES = ['de-DE', 'ja-JP', 'en-US', 'fr-CH', 'ar-EG', 'hi-IN', 'pt-BR'];
const CURRENCIES = ['EUR', 'JPY', 'USD', 'CHF', 'EGP', 'INR', 'BRL'];
const TEMPLATES = ['label-classic', 'label-badge', 'label-round'];
const RATIOS = ['16:9', '9:16', '1:1', '4:5'];
const RESERVED = ['market', 'label', 'background', 'aspect'];

// ---------------------------------------------------------------- oracle

type Coords = Record<string, string>;
type DimList = Array<[name: string, codes: string[]]>;

function dimsOf(m: MatrixInput): DimList {
  const dims: DimList = [
    ['market', m.markets.map((v) => v.code)],
    ['label', m.labels.map((v) => v.code)],
    ['background', m.backgrounds.map((v) => v.code)],
  ];
  if (m.aspects) dims.push(['aspect', m.aspects.map((v) => v.code)]);
  for (const [name, values] of Object.entries(m.dimensions ?? {})) dims.push([name, values.map((v) => v.code)]);
  return dims;
}

function product(dims: DimList): Coords[] {
  let out: Coords[] = [{}];
  for (const [name, codes] of dims) out = out.flatMap((c) => codes.map((code) => ({ ...c, [name]: code })));
  return out;
}

function patternMatches(p: CellPattern, c: Coords): boolean {
  for (const dim of Object.keys(p)) {
    const want = p[dim];
    const ok = typeof want === 'string' ? c[dim] === want : want.indexOf(c[dim]) >= 0;
    if (!ok) return false;
  }
  return true;
}

/** The cells a matrix should have: full product, less limited labels, less exclusions. */
function expectedCells(m: MatrixInput): Coords[] {
  return product(dimsOf(m)).filter((c) => {
    const label = m.labels.find((l) => l.code === c.label)!;
    if (label.markets && label.markets.indexOf(c.market) < 0) return false;
    return !(m.exclusions ?? []).some((p) => patternMatches(p, c));
  });
}

/** Order-free identity of a cell, independent of the code's key format. */
const coordsId = (c: Coords) =>
  Object.keys(c)
    .sort()
    .map((k) => `${k}:${c[k]}`)
    .join('|');

/** Does anything applied after the market's copy set `price` for this cell? */
function priceSetAfterMarket(m: MatrixInput, c: Coords): boolean {
  const label = m.labels.find((l) => l.code === c.label)!;
  if (Object.prototype.hasOwnProperty.call(label.fields, 'price')) return true;
  for (const [name, values] of Object.entries(m.dimensions ?? {})) {
    const copy = values.find((v) => v.code === c[name])!.params['copy'] as Record<string, unknown> | undefined;
    if (copy?.['price'] !== undefined) return true;
  }
  return (m.overrides ?? []).some((o) => o.copy?.price !== undefined && patternMatches(o.match, c));
}

// ------------------------------------------------------ render key inputs

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const MASTER = sha('master');

/** Fixed master and analysis; template and assets hashed from their names, as content stand-ins. */
const keyOfCell = (cell: MatrixCell) =>
  renderKey({
    masterSha256: MASTER,
    analysisVersion: 'a0.1',
    templateSha256: sha(`template:${cell.render.template}`),
    assets: {
      plate: cell.render.plateId ? sha(`plate:${cell.render.plateId}`) : null,
      lut: cell.render.lut ? sha(`lut:${cell.render.lut}`) : null,
    },
    render: cell.render,
  });

function keyMap(m: MatrixInput): Map<string, string> {
  const out = new Map<string, string>();
  for (const cell of expandMatrix(m)) out.set(cell.key, keyOfCell(cell));
  return out;
}

// ------------------------------------------------------------ generators

const codeArb = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,7}$/);
const codesArb = (n: number) => fc.uniqueArray(codeArb, { minLength: n, maxLength: n });
const textArb = fc.string({ maxLength: 16 });
const priceArb = fc.integer({ min: 0, max: 999_999 }).map((cents) => cents / 100);
const unitArb = fc.integer({ min: 0, max: 100 }).map((n) => n / 100);
const dimNameArb = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/).filter((n) => !RESERVED.includes(n));

/** Present about one time in `1 + absentWeight`. */
const sometimes = <T>(arb: fc.Arbitrary<T>, absentWeight = 3) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: absentWeight }, { arbitrary: arb, weight: 1 });

/** Drops keys whose value is undefined, as a parsed file would not have them. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * An override's numeric price is formatted in the market's currency, so a
 * market it may reach needs one. (Without one, expandMatrix currently throws
 * a TypeError from Intl rather than a DomainError: see the last spec.)
 */
function withCurrencyForPricedOverrides<M extends { code: string; currency?: string }>(
  markets: M[],
  overrides: Array<{ match: CellPattern; copy?: { price?: number } }>,
): M[] {
  const reached = new Set<string>();
  for (const o of overrides) {
    if (o.copy?.price === undefined) continue;
    const want = o.match['market'];
    for (const mk of markets) if (want === undefined || want === mk.code || (Array.isArray(want) && want.includes(mk.code))) reached.add(mk.code);
  }
  return markets.map((mk) => (reached.has(mk.code) && !mk.currency ? { ...mk, currency: 'EUR' } : mk));
}

interface Shape {
  markets: number;
  labels: number;
  backgrounds: number;
  aspects: number | null;
  customs: number[];
}

const size = fc.integer({ min: 1, max: 6 });
const shapeArb: fc.Arbitrary<Shape> = fc
  .record({
    markets: size,
    labels: size,
    backgrounds: size,
    aspects: fc.option(size, { nil: null }),
    customs: fc.array(size, { maxLength: 2 }),
  })
  .filter((s) => s.markets * s.labels * s.backgrounds * (s.aspects ?? 1) * s.customs.reduce((a, b) => a * b, 1) <= MAX_CELLS);

const marketArb = (code: string) =>
  fc
    .record({
      locale: fc.constantFrom(...LOCALES),
      currency: fc.option(fc.constantFrom(...CURRENCIES), { nil: undefined, freq: 5 }),
      headline: fc.option(textArb, { nil: undefined }),
      tagline: fc.option(textArb, { nil: undefined }),
      legal: fc.option(textArb, { nil: undefined }),
      price: fc.option(priceArb, { nil: undefined, freq: 5 }),
      lut: fc.option(fc.constantFrom('warm', 'cool'), { nil: undefined }),
    })
    .map(({ locale, currency, headline, tagline, legal, price, lut }) =>
      compact({
        code,
        name: `Market ${code}`,
        locale,
        // A price needs a currency; a currency without a price is allowed.
        currency: price !== undefined ? (currency ?? 'EUR') : currency,
        copy: compact({ headline, tagline, legal, price }),
        lut,
      }),
    );

/** A partial cell naming one or two existing dimensions (at least `minDims`), each with one code or a list. */
const patternArb = (dims: DimList, minDims = 1): fc.Arbitrary<CellPattern> =>
  fc.shuffledSubarray(dims, { minLength: minDims, maxLength: 2 }).chain((picked) =>
    fc
      .tuple(
        ...picked.map(([, codes]) =>
          fc.oneof(fc.constantFrom(...codes), fc.shuffledSubarray(codes, { minLength: 1 })) as fc.Arbitrary<string | string[]>,
        ),
      )
      .map((values) => Object.fromEntries(picked.map(([name], i) => [name, values[i]]))),
  );

const matrixArb: fc.Arbitrary<MatrixInput> = shapeArb
  .chain((s) =>
    fc.record({
      markets: codesArb(s.markets),
      labels: codesArb(s.labels),
      backgrounds: codesArb(s.backgrounds),
      aspects: s.aspects === null ? fc.constant(null) : codesArb(s.aspects),
      customNames: fc.uniqueArray(dimNameArb, { minLength: s.customs.length, maxLength: s.customs.length }),
      customCodes: fc.tuple(...s.customs.map(codesArb)),
    }),
  )
  .chain((codes) => {
    const dims: DimList = [
      ['market', codes.markets],
      ['label', codes.labels],
      ['background', codes.backgrounds],
      ...(codes.aspects ? [['aspect', codes.aspects] as [string, string[]]] : []),
      ...codes.customNames.map((n, i) => [n, codes.customCodes[i]] as [string, string[]]),
    ];
    const labelArb = (code: string) =>
      fc
        .record({
          template: fc.constantFrom(...TEMPLATES),
          headline: fc.option(textArb, { nil: undefined }),
          // Labels fixing a price (as a string, so it needs no currency) shield their cells from a market price edit.
          price: sometimes(fc.constantFrom('FREE', 'NEW'), 4),
          markets: fc.option(fc.shuffledSubarray(codes.markets, { minLength: 1 }), { nil: undefined }),
        })
        .map(({ template, headline, price, markets }) => compact({ code, template, fields: compact({ headline, price }), markets }));
    const customValueArb = (code: string) =>
      fc
        .record({
          intensity: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
          tagline: fc.option(textArb, { nil: undefined }),
          price: sometimes(fc.constant('SALE'), 6),
          motionAdherence: fc.option(unitArb, { nil: undefined }),
        })
        .map(({ intensity, tagline, price, motionAdherence }) => {
          const copy = compact({ tagline, price });
          return { code, params: compact({ intensity, motionAdherence, copy: Object.keys(copy).length ? copy : undefined }) };
        });
    const overrideArb = fc
      .record({
        match: patternArb(dims),
        price: sometimes(priceArb, 2),
        tagline: fc.option(textArb, { nil: undefined }),
        structureAdherence: fc.option(unitArb, { nil: undefined }),
        template: fc.option(fc.constantFrom(...TEMPLATES), { nil: undefined }),
      })
      .map(({ match, price, tagline, structureAdherence, template }) => {
        const copy = compact({ price, tagline });
        return compact({ match, copy: Object.keys(copy).length ? copy : undefined, structureAdherence, template });
      });

    return fc
      .record({
        defaults: fc.record({ legal: fc.option(textArb, { nil: undefined }), motionAdherence: fc.option(unitArb, { nil: undefined }) }),
        markets: fc.tuple(...codes.markets.map(marketArb)),
        labels: fc.tuple(...codes.labels.map(labelArb)),
        backgrounds: fc.tuple(
          ...codes.backgrounds.map((code) => fc.option(fc.uuid({ version: 4 }), { nil: undefined }).map((plateId) => compact({ code, plateId }))),
        ),
        aspects: codes.aspects ? fc.tuple(...codes.aspects.map((code) => fc.constantFrom(...RATIOS).map((ratio) => ({ code, ratio })))) : fc.constant(null),
        customs: fc.tuple(...codes.customNames.map((_, i) => fc.tuple(...codes.customCodes[i].map(customValueArb)))),
        exclusions: fc.array(patternArb(dims, 2), { maxLength: 2 }),
        overrides: fc.array(overrideArb, { maxLength: 3 }),
      })
      .map((p) =>
        // Parsed, so the properties run on exactly what the API hands to expandMatrix.
        matrixSchema.parse(
          compact({
            defaults: compact({ copy: p.defaults.legal === undefined ? undefined : { legal: p.defaults.legal }, motionAdherence: p.defaults.motionAdherence }),
            markets: withCurrencyForPricedOverrides(p.markets, p.overrides),
            labels: p.labels,
            backgrounds: p.backgrounds,
            aspects: p.aspects ?? undefined,
            dimensions: codes.customNames.length ? Object.fromEntries(codes.customNames.map((n, i) => [n, p.customs[i]])) : undefined,
            exclusions: p.exclusions.length ? p.exclusions : undefined,
            overrides: p.overrides.length ? p.overrides : undefined,
          }),
        ),
      );
  });

// -------------------------------------------------------- transformations

/** Deterministic PRNG so a shuffle replays from fast-check's seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(xs: readonly T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const shufflePattern = (p: CellPattern, rand: () => number): CellPattern =>
  Object.fromEntries(shuffle(Object.entries(p), rand).map(([k, v]) => [k, Array.isArray(v) ? shuffle(v, rand) : v]));

/**
 * The same matrix with the values of every dimension (and every unordered
 * list of codes) in another order. Overrides keep their order: later ones win.
 */
function shuffleValues(m: MatrixInput, seed: number): MatrixInput {
  const rand = rng(seed);
  return {
    ...m,
    markets: shuffle(m.markets, rand),
    labels: shuffle(m.labels, rand).map((l) => (l.markets ? { ...l, markets: shuffle(l.markets, rand) } : l)),
    backgrounds: shuffle(m.backgrounds, rand),
    aspects: m.aspects && shuffle(m.aspects, rand),
    dimensions: m.dimensions && Object.fromEntries(shuffle(Object.entries(m.dimensions), rand).map(([k, v]) => [k, shuffle(v, rand)])),
    exclusions: m.exclusions && shuffle(m.exclusions, rand).map((p) => shufflePattern(p, rand)),
    overrides: m.overrides?.map((o) => ({ ...o, match: shufflePattern(o.match, rand) })),
  };
}

/** Rebuilds every object with its keys in reverse insertion order. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .reverse()
        .map((k) => [k, reverseKeys((value as Record<string, unknown>)[k])]),
    ) as T;
  }
  return value;
}

const sameMap = (a: Map<string, string>, b: Map<string, string>) => {
  expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
};

/** Cell keys whose render key differs between two expansions of matrices with the same cells. */
function changedKeys(before: Map<string, string>, after: Map<string, string>): string[] {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  return [...before.keys()].filter((k) => before.get(k) !== after.get(k)).sort();
}

/** Cell keys (as the code spells them) of the expected cells picked by `pick`. */
function keysWhere(m: MatrixInput, pick: (c: Coords) => boolean): string[] {
  const byId = new Map(expandMatrix(m).map((cell) => [coordsId(cell.coords), cell.key]));
  return expectedCells(m)
    .filter(pick)
    .map((c) => byId.get(coordsId(c))!)
    .sort();
}

// ------------------------------------------------------------- properties

describe('expandMatrix (properties)', () => {
  it('makes exactly the cells of the product, less limited labels and exclusions', () => {
    fc.assert(
      fc.property(matrixArb, (m) => {
        const cells = expandMatrix(m);
        const expected = expectedCells(m);
        expect(cells.length).toBe(expected.length);
        expect(cells.map((c) => coordsId(c.coords)).sort()).toEqual(expected.map(coordsId).sort());
        // Every cell names a value of every dimension.
        const names = dimsOf(m).map(([n]) => n);
        for (const cell of cells) expect(Object.keys(cell.coords).sort()).toEqual([...names].sort());
      }),
      { numRuns: RUNS },
    );
  });

  it('gives every cell a unique key', () => {
    fc.assert(
      fc.property(matrixArb, (m) => {
        const keys = expandMatrix(m).map((c) => c.key);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps cell keys and render keys when values and object keys are reordered', () => {
    fc.assert(
      fc.property(matrixArb, fc.integer(), (m, seed) => {
        const base = keyMap(m);
        sameMap(base, keyMap(shuffleValues(m, seed)));
        sameMap(base, keyMap(reverseKeys(m)));
        sameMap(base, keyMap(reverseKeys(shuffleValues(m, seed))));
      }),
      { numRuns: RUNS },
    );
  });

  it("changing one market's price re-keys exactly that market's cells whose price comes from the market", () => {
    fc.assert(
      fc.property(
        matrixArb.filter((m) => m.markets.some((mk) => mk.currency)),
        fc.nat(),
        (m, pick) => {
          const candidates = m.markets.filter((mk) => mk.currency);
          const target = candidates[pick % candidates.length];
          // +1 always changes the formatted amount, whatever the currency's rounding.
          const edited: MatrixInput = {
            ...m,
            markets: m.markets.map((mk) => (mk === target ? { ...mk, copy: { ...mk.copy, price: (mk.copy.price ?? 0) + 1 } } : mk)),
          };
          const expected = keysWhere(m, (c) => c.market === target.code && !priceSetAfterMarket(m, c));
          expect(changedKeys(keyMap(m), keyMap(edited))).toEqual(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("changing one background's plate re-keys exactly that background's cells", () => {
    fc.assert(
      fc.property(matrixArb, fc.nat(), fc.uuid({ version: 4 }), (m, pick, plateId) => {
        const target = m.backgrounds[pick % m.backgrounds.length];
        fc.pre(m.backgrounds.every((b) => b.plateId !== plateId));
        const edited: MatrixInput = { ...m, backgrounds: m.backgrounds.map((b) => (b === target ? { ...b, plateId } : b)) };
        const expected = keysWhere(m, (c) => c.background === target.code);
        expect(changedKeys(keyMap(m), keyMap(edited))).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it("adding a market adds exactly its cells and keeps every other cell's render key", () => {
    const added = fc.tuple(codeArb, fc.nat()).chain(([code, at]) => marketArb(code).map((market) => ({ market, at })));
    fc.assert(
      fc.property(matrixArb, added, ({ ...m }, { market, at }) => {
        fc.pre(m.markets.every((mk) => mk.code !== market.code));
        const markets = [...m.markets];
        markets.splice(at % (markets.length + 1), 0, matrixSchema.shape.markets.element.parse(market));
        const grown: MatrixInput = { ...m, markets: withCurrencyForPricedOverrides(markets, m.overrides ?? []) };

        const before = keyMap(m);
        const after = keyMap(grown);
        const newKeys = [...after.keys()].filter((k) => !before.has(k)).sort();
        expect(newKeys).toEqual(keysWhere(grown, (c) => c.market === market.code));
        for (const [k, v] of before) expect(after.get(k)).toBe(v);
        expect(after.size).toBe(before.size + newKeys.length);
      }),
      { numRuns: RUNS },
    );
  });

  // Found by the properties above: a price set by an override must not reach a market without a currency.
  it('rejects a numeric price reaching a market with no currency as a DomainError', () => {
    const m = matrixSchema.parse({
      markets: [{ code: 'de', name: 'Germany', locale: 'de-DE', copy: {} }],
      labels: [{ code: 'classic', template: 'label-classic' }],
      backgrounds: [{ code: 'beach' }],
      overrides: [{ match: { market: 'de' }, copy: { price: 2.49 } }],
    });
    expect(() => expandMatrix(m)).toThrow(DomainError);
  });
});
