/**
 * Market codes typed as "de, fr, jp" into the people page. Same rule as the
 * API (lower-case letters, digits, '-' and '_'; up to 32 characters), checked
 * here only so the mistake is named before saving.
 */
/** The matrix's market code rule (contracts' codeSchema): 1–40 lower-case letters, digits or dashes. */
const MARKET_CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;

export interface ParsedMarkets {
  markets: string[];
  /** Entries that are not market codes, as typed. */
  invalid: string[];
}

export function parseMarkets(text: string): ParsedMarkets {
  const markets: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/[,;\s]+/)) {
    const entry = raw.trim();
    if (!entry) continue;
    const code = entry.toLowerCase();
    if (!MARKET_CODE.test(code)) invalid.push(entry);
    else if (!markets.includes(code)) markets.push(code);
  }
  return { markets, invalid };
}

export const formatMarkets = (markets: readonly string[]): string => markets.join(', ');

/** What is wrong with the markets for this role, in the page's words; null when nothing is. */
export function marketsProblem(role: string, parsed: ParsedMarkets): string | null {
  if (parsed.invalid.length) {
    return `${parsed.invalid.map((m) => `“${m}”`).join(', ')} ${parsed.invalid.length === 1 ? 'is not a market code' : 'are not market codes'} (use codes like de, fr, us-east)`;
  }
  if (role === 'brand-manager' && !parsed.markets.length) return 'A brand manager needs at least one market';
  return null;
}
