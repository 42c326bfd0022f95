import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CampaignView, VariantView } from '@shotmatrix/contracts';
import { REPO_ROOT, SHARED_MEDIA, signedInFetch, TEST_ADMIN } from '@shotmatrix/testing';
import { launchChromium } from './browser';
import { startStack, type RunningStack } from './stack';

const ARTIFACTS = path.join(REPO_ROOT, 'artifacts/e2e');
const CLIP = path.join(SHARED_MEDIA, 'clips/product_bottles_table_intel.mp4');
const AXE = path.join(REPO_ROOT, 'node_modules/axe-core/axe.min.js');

const PEOPLE = {
  producer: { email: 'pat@agency.example', name: 'Pat Producer', role: 'producer', markets: [] as string[], password: 'producer password 1' },
  de: { email: 'dana@brand.example', name: 'Dana (DE)', role: 'brand-manager', markets: ['de'], password: 'brand de password 1' },
  ops: { email: 'olli@agency.example', name: 'Olli Ops', role: 'ops', markets: [] as string[], password: 'ops password 1234' },
};
type Person = (typeof PEOPLE)[keyof typeof PEOPLE];

/**
 * The sign-off path in a real browser: a producer builds and renders a
 * campaign, ops watch it finish, the German brand manager approves the German
 * cells (and cannot touch the Japanese ones) and pins a comment to frame 48.
 * Every page it passes through is scanned with axe.
 */
describe('review boards: producer, ops and brand manager in real Chromium', () => {
  let stack: RunningStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pages: Record<string, Page> = {};
  const axeFindings: Array<{ page: string; id: string; impact: string | null; help: string; nodes: number }> = [];
  const scanned = new Set<string>();
  let campaignId = '';
  let deVariantId = '';

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    stack = await startStack();
    browser = await launchChromium();
    // The admin invites the three people; each accepts with their own password.
    const admin = await signedInFetch(stack.baseUrl);
    for (const p of Object.values(PEOPLE)) {
      const inv = await admin(`${stack.baseUrl}/api/accounts/invitations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: p.email, role: p.role, markets: p.markets }),
      });
      expect(inv.status).toBe(201);
      const { token } = (await inv.json()) as { token: string };
      const accepted = await fetch(`${stack.baseUrl}/api/auth/invitations/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, name: p.name, password: p.password }),
      });
      expect(accepted.status).toBe(200);
    }
  });

  afterAll(async () => {
    if (stack) await writeFile(path.join(ARTIFACTS, 'review-stack.log'), stack.logs.join('\n'));
    for (const [name, page] of Object.entries(pages)) {
      await page.screenshot({ path: path.join(ARTIFACTS, `review-last-${name}.png`), fullPage: true }).catch(() => undefined);
    }
    await writeFile(path.join(ARTIFACTS, 'review-axe.json'), JSON.stringify(axeFindings, null, 2)).catch(() => undefined);
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stack?.stop();
  });

  /** Signs in through the sign-in page, as a person would. */
  async function signIn(who: Person, name: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => stack.logs.push(`[page ${name}] ${e.message}`));
    pages[name] = page;
    await page.goto(stack.baseUrl);
    await page.waitForURL(/\/login/);
    await scan(page, 'login');
    await page.getByTestId('login-email').fill(who.email);
    await page.getByTestId('login-password').fill(who.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('whoami').filter({ hasText: who.name }).waitFor();
    return page;
  }

  /** axe-core in the page: every violation is kept as an artifact; critical ones fail the run at the end. */
  async function scan(page: Page, name: string): Promise<void> {
    await page.addScriptTag({ content: await readFile(AXE, 'utf8') });
    const result = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: unknown[] }> }> } }).axe;
      return axe.run(document, { resultTypes: ['violations'] });
    });
    scanned.add(name);
    for (const v of result.violations) axeFindings.push({ page: name, id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length });
  }

  it('a producer creates a campaign and renders it while ops watch progress reach 100 %', async () => {
    const producer = await signIn(PEOPLE.producer, 'producer');
    await producer.getByTestId('new-campaign-name').fill('E2E Review');
    await producer.getByTestId('create-campaign').click();
    await producer.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    campaignId = producer.url().split('/').pop()!;
    await producer.getByTestId('master-upload').setInputFiles(CLIP);
    await producer.getByTestId('master-ready').waitFor({ timeout: 60_000 });
    for (const [i, m] of [
      { code: 'de', name: 'Germany', locale: 'de-DE', currency: 'EUR', headline: 'Sommer-Frische', price: '1.99' },
      { code: 'jp', name: 'Japan', locale: 'ja-JP', currency: 'JPY', headline: '夏のさわやかさ', price: '200' },
    ].entries()) {
      await producer.getByTestId('add-market').click();
      const row = producer.getByTestId('market-row').nth(i);
      await row.getByTestId('market-code').fill(m.code);
      await row.getByTestId('market-name').fill(m.name);
      await row.getByTestId('market-locale').fill(m.locale);
      await row.getByTestId('market-currency').fill(m.currency);
      await row.getByTestId('market-headline').fill(m.headline);
      await row.getByTestId('market-price').fill(m.price);
    }
    await producer.getByTestId('add-label').click();
    await producer.getByTestId('label-row').nth(0).getByTestId('label-code').fill('classic');
    await producer.getByTestId('label-row').nth(0).getByTestId('label-template').selectOption('label-classic');
    await producer.getByTestId('add-background').click();
    await producer.getByTestId('background-row').nth(0).getByTestId('background-code').fill('original');
    const saved = producer.waitForResponse((r) => r.url().endsWith('/matrix') && r.request().method() === 'PUT');
    await producer.getByTestId('save-matrix').click();
    expect((await saved).status()).toBe(200);

    // Ops open their board before the renders start: progress arrives over the event stream, never by reloading.
    const ops = await signIn(PEOPLE.ops, 'ops');
    await ops.getByTestId('nav-ops').click();
    await ops.waitForURL(/\/ops$/);
    await ops.getByTestId('ops-queues').waitFor();
    await scan(ops, 'ops');

    await producer.getByTestId('expand').click();
    await producer.waitForFunction(
      () => {
        const t = [...document.querySelectorAll('[data-testid="variant-tile"]')];
        return t.length === 2 && t.every((e) => e.getAttribute('data-status') === 'done');
      },
      undefined,
      { timeout: 480_000, polling: 500 },
    );
    await scan(producer, 'board');
    await producer.screenshot({ path: path.join(ARTIFACTS, 'review-board.png'), fullPage: true });

    await ops.waitForFunction(
      (id) => {
        const row = document.querySelector(`[data-testid="ops-campaign"][data-campaign="${id}"]`);
        return row?.getAttribute('data-progress') === '100';
      },
      campaignId,
      { timeout: 60_000, polling: 250 },
    );
    await ops.screenshot({ path: path.join(ARTIFACTS, 'review-ops.png'), fullPage: true });
  });

  it('the German brand manager approves the German cell and cannot approve the Japanese one', async () => {
    const bm = await signIn(PEOPLE.de, 'brand-de');
    const view = (await (await signedInFetch(stack.baseUrl, PEOPLE.de))(`${stack.baseUrl}/api/campaigns/${campaignId}`).then((r) => r.json())) as CampaignView;
    const de = view.variants.find((v) => v.market === 'de')!;
    const jp = view.variants.find((v) => v.market === 'jp')!;
    deVariantId = de.id;

    await bm.goto(`${stack.baseUrl}/variants/${jp.id}`);
    await bm.getByTestId('decision-bar').waitFor();
    expect(await bm.getByTestId('approve').count()).toBe(0);
    expect(await bm.getByTestId('reject').count()).toBe(0);
    // Nor through the API: the button is missing because the server would refuse.
    const bmApi = await signedInFetch(stack.baseUrl, PEOPLE.de);
    const refused = await bmApi(`${stack.baseUrl}/api/variants/${jp.id}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approved', comment: null, basedOn: null }),
    });
    expect(refused.status).toBe(403);

    await bm.goto(`${stack.baseUrl}/variants/${de.id}`);
    await bm.getByTestId('approve').click();
    await bm.getByTestId('decision-current').filter({ hasText: /approved/i }).waitFor();
    await scan(bm, 'variant');
    await bm.screenshot({ path: path.join(ARTIFACTS, 'review-variant-approved.png'), fullPage: true });
    const after = (await (await bmApi(`${stack.baseUrl}/api/variants/${de.id}`)).json()) as VariantView;
    expect(after.approval).toMatchObject({ decision: 'approved', by: PEOPLE.de.email, stale: false });
    // On the board, bulk approval offers only what is theirs and still open: the German cell is approved, the Japanese one not theirs.
    await bm.goto(`${stack.baseUrl}/campaigns/${campaignId}`);
    await bm.getByTestId('approve-shown').filter({ hasText: 'Approve 0 shown' }).waitFor();
    // The decision is in the audit log with who made it.
    const admin = await signedInFetch(stack.baseUrl);
    const audit = (await (await admin(`${stack.baseUrl}/api/audit?entity=variant&entityId=${de.id}`)).json()) as Array<{ action: string; actor: string }>;
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'variant.approve', actor: PEOPLE.de.email })]));
  });

  it('a comment pinned to frame 48 shows at frame 48 and not elsewhere', async () => {
    const bm = pages['brand-de'];
    await bm.goto(`${stack.baseUrl}/variants/${deVariantId}`);
    const goTo = async (frame: number) => {
      const input = bm.getByTestId('frame-input');
      await input.fill(String(frame));
      await input.press('Enter');
      await bm.getByTestId('frame-number').filter({ hasText: new RegExp(`^\\s*${frame}\\s*$`) }).waitFor();
    };
    await goTo(48);
    await bm.getByTestId('comment-body').fill('The price sticker catches a highlight here: calm it down.');
    await bm.getByTestId('comment-submit').click();
    await bm.locator('[data-testid="comment"][data-frame="48"]').waitFor();

    // Persisted: a fresh page finds it at frame 48 and only there.
    await bm.reload();
    await bm.getByTestId('comments-panel').waitFor();
    await goTo(10);
    expect(await bm.getByTestId('comments-at-frame').filter({ hasText: 'price sticker' }).count()).toBe(0);
    await goTo(48);
    await bm.getByTestId('comments-at-frame').filter({ hasText: 'price sticker' }).waitFor();
    await bm.screenshot({ path: path.join(ARTIFACTS, 'review-comment-frame-48.png'), fullPage: true });
  });

  it('the producer re-renders the German cell with another setting: a new version, and the approval goes stale', async () => {
    const producer = pages['producer'];
    const view = (await (await signedInFetch(stack.baseUrl, PEOPLE.producer))(`${stack.baseUrl}/api/campaigns/${campaignId}`).then((r) => r.json())) as CampaignView;
    const de = view.variants.find((v) => v.market === 'de')!;
    await producer.goto(`${stack.baseUrl}/variants/${de.id}`);
    await producer.getByTestId('rerender-open').click();
    await producer.getByTestId('rerender-structureAdherence').fill('0.6');
    await producer.getByTestId('rerender-submit').click();
    await producer.getByTestId('rerender-note').filter({ hasText: 'new version' }).waitFor();
    // The page follows the new render to the end, then lists both versions.
    await producer.locator('[data-testid="version"][data-version="2"][data-current="true"]').filter({ hasText: /done/i }).waitFor({ timeout: 180_000 });
    await producer.getByTestId('stale-badge').waitFor();
    await producer.screenshot({ path: path.join(ARTIFACTS, 'review-rerendered.png'), fullPage: true });
    // Producers build and re-render; deciding is the brand manager's.
    expect(await producer.getByTestId('approve').count()).toBe(0);
  });

  it('an admin invites and revokes on the people page; a producer makes and revokes an API token', async () => {
    const admin = await signIn({ email: TEST_ADMIN.email, password: TEST_ADMIN.password, name: 'Administrator', role: 'admin', markets: [] }, 'admin');
    await admin.getByTestId('nav-people').click();
    await admin.getByTestId('invite-email').fill('mis.sent@brand.example');
    await admin.getByTestId('invite-role').selectOption('viewer');
    await admin.getByTestId('invite-create').click();
    await admin.getByTestId('invite-link').waitFor();
    const row = admin.locator('[data-testid="pending-invitation"][data-email="mis.sent@brand.example"]');
    await row.waitFor();
    await scan(admin, 'people');
    await row.getByTestId('revoke-invitation').click();
    await row.waitFor({ state: 'detached' });

    const producer = pages['producer'];
    await producer.getByTestId('nav-tokens').click();
    await producer.getByTestId('token-label').fill('nightly import');
    await producer.getByTestId('token-create').click();
    const secret = await producer.getByTestId('token-secret').inputValue();
    expect(secret).toMatch(/^smx_t_/);
    expect((await fetch(`${stack.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    await producer.getByTestId('token-row').filter({ hasText: 'nightly import' }).waitFor();
    await scan(producer, 'tokens');
    await producer.getByTestId('token-revoke').click();
    await producer.getByTestId('token-row').waitFor({ state: 'detached' });
    expect((await fetch(`${stack.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
  });

  it('finds no critical accessibility violations on the pages it visited', async () => {
    // The scanner itself must be able to see one: an image without alt text is a critical violation.
    const control = await (contexts[0] ?? (await browser.newContext())).newPage();
    await control.setContent('<main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main>');
    const before = axeFindings.length;
    await scan(control, 'control');
    expect(axeFindings.slice(before).some((f) => f.id === 'image-alt' && f.impact === 'critical')).toBe(true);
    axeFindings.splice(before);
    scanned.delete('control');
    await control.close();

    const critical = axeFindings.filter((f) => f.impact === 'critical');
    expect([...scanned].sort()).toEqual(['board', 'login', 'ops', 'people', 'tokens', 'variant']);
    expect(critical).toEqual([]);
  });
});
