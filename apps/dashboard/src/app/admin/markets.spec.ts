import { formatMarkets, marketsProblem, parseMarkets } from './markets';

describe('parseMarkets', () => {
  it('splits on commas and spaces, lower-cases and drops repeats', () => {
    expect(parseMarkets(' DE, fr ,de;jp  us-east ')).toEqual({ markets: ['de', 'fr', 'jp', 'us-east'], invalid: [] });
  });

  it('reads an empty field as no markets', () => {
    expect(parseMarkets(' , ')).toEqual({ markets: [], invalid: [] });
  });

  it('keeps what is not a code aside, as typed', () => {
    expect(parseMarkets('de, Fr*, -x')).toEqual({ markets: ['de'], invalid: ['Fr*', '-x'] });
  });

  it('round-trips through formatMarkets', () => {
    expect(parseMarkets(formatMarkets(['de', 'fr'])).markets).toEqual(['de', 'fr']);
  });
});

describe('marketsProblem', () => {
  it('names codes that are not codes', () => {
    expect(marketsProblem('brand-manager', parseMarkets('de, x!'))).toBe('“x!” is not a market code (use codes like de, fr, us-east)');
  });

  it('asks a brand manager for a market', () => {
    expect(marketsProblem('brand-manager', parseMarkets(''))).toBe('A brand manager needs at least one market');
  });

  it('accepts no markets for other roles, and a brand manager with one', () => {
    expect(marketsProblem('producer', parseMarkets(''))).toBeNull();
    expect(marketsProblem('brand-manager', parseMarkets('de'))).toBeNull();
  });
});
