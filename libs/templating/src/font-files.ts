import * as fs from 'node:fs';
import * as path from 'node:path';

const FONT_ROOTS = ['/usr/share/fonts', '/usr/local/share/fonts'];
const NOTO_SANS = /^NotoSans(?!Mono)[A-Za-z]*-[A-Za-z]+\.(ttf|otf|ttc)$/;

let cached: string[] | undefined;

/**
 * The system's Noto Sans font files (every script), found once per process.
 *
 * Only Noto Sans families are registered with the text renderer and named in
 * the fonts it asks for, so every script comes out in the same sans design
 * (with every system font in play, Japanese once came out in Noto Serif CJK).
 * Empty when no Noto Sans is installed: text then falls back to whatever the
 * system has.
 */
export function notoSansFontFiles(roots: string[] = FONT_ROOTS): string[] {
  if (cached && roots === FONT_ROOTS) return cached;
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory() && depth < 4) walk(full, depth + 1);
      else if (NOTO_SANS.test(e.name)) found.push(full);
    }
  };
  for (const root of roots) walk(root, 0);
  found.sort();
  if (roots === FONT_ROOTS) cached = found;
  return found;
}
