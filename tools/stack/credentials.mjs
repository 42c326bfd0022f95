// Secrets of the local stack: the first admin's password, the media URL
// signing secret and the demo accounts' passwords. Made once, kept in
// .data/credentials.json (readable by this user only) so that restarts keep
// sessions, signed links and sign-ins working.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const ADMIN_EMAIL = 'admin@shotmatrix.local';

/** People the demo invites, one per role, so each board can be tried as that person. */
export const DEMO_PEOPLE = [
  { email: 'producer@shotmatrix.local', name: 'Pat Producer', role: 'producer', markets: [] },
  { email: 'brand.de@shotmatrix.local', name: 'Dana (Brand, Germany)', role: 'brand-manager', markets: ['de'] },
  { email: 'brand.jp@shotmatrix.local', name: 'Jun (Brand, Japan)', role: 'brand-manager', markets: ['jp'] },
  { email: 'ops@shotmatrix.local', name: 'Olli Ops', role: 'ops', markets: [] },
  { email: 'viewer@shotmatrix.local', name: 'Vic Viewer', role: 'viewer', markets: [] },
];

const password = () => randomBytes(12).toString('base64url');

export function loadCredentials(file) {
  let creds = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  let changed = false;
  const fill = (key, make) => {
    if (!creds[key]) {
      creds[key] = make();
      changed = true;
    }
  };
  fill('adminEmail', () => ADMIN_EMAIL);
  fill('adminPassword', password);
  fill('mediaUrlSecret', () => randomBytes(32).toString('hex'));
  fill('people', () => ({}));
  for (const p of DEMO_PEOPLE) {
    if (!creds.people[p.email]) {
      creds.people[p.email] = password();
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  }
  return creds;
}
