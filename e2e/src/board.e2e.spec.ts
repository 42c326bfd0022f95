import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT, SHARED_MEDIA } from '@shotmatrix/testing';
import { launchChromium } from './browser';
import { signInContext } from './sign-in';
import { startStack, type RunningStack } from './stack';

const ARTIFACTS = path.join(REPO_ROOT, 'artifacts/e2e');
const CLIP = path.join(SHARED_MEDIA, 'clips/product_bottles_table_intel.mp4');
const PLATE = path.join(SHARED_MEDIA, 'plates/city_skyline_singapore_budgie.jpg');

describe('producer renders a 2×2×2 matrix in the dashboard (real Chromium)', () => {
  let stack: RunningStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    stack = await startStack();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await signInContext(page.context(), stack.baseUrl);
    page.on('pageerror', (e) => stack.logs.push(`[page] ${e.message}`));
  });

  afterAll(async () => {
    // The stack's log and the last page are kept for a failing run's post-mortem.
    if (stack) await writeFile(path.join(ARTIFACTS, 'stack.log'), stack.logs.join('\n'));
    if (page) await page.screenshot({ path: path.join(ARTIFACTS, 'last-page.png'), fullPage: true }).catch(() => undefined);
    await browser?.close();
    await stack?.stop();
  });

  it('creates a campaign, uploads a master, expands 2×2×2, sees 8 thumbnails and plays a variant', async () => {
    await page.goto(stack.baseUrl);
    await page.getByTestId('new-campaign-name').fill('E2E Summer');
    await page.getByTestId('create-campaign').click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);

    await page.getByTestId('master-upload').setInputFiles(CLIP);
    await page.getByTestId('master-ready').waitFor({ timeout: 60_000 });

    const markets = [
      { code: 'de', name: 'Germany', locale: 'de-DE', currency: 'EUR', headline: 'Sommer-Frische', price: '1.99' },
      { code: 'jp', name: 'Japan', locale: 'ja-JP', currency: 'JPY', headline: '夏のさわやかさ', price: '200' },
    ];
    for (const [i, m] of markets.entries()) {
      await page.getByTestId('add-market').click();
      const row = page.getByTestId('market-row').nth(i);
      await row.getByTestId('market-code').fill(m.code);
      await row.getByTestId('market-name').fill(m.name);
      await row.getByTestId('market-locale').fill(m.locale);
      await row.getByTestId('market-currency').fill(m.currency);
      await row.getByTestId('market-headline').fill(m.headline);
      await row.getByTestId('market-price').fill(m.price);
    }
    for (const [i, l] of [
      { code: 'classic', template: 'label-classic' },
      { code: 'badge', template: 'label-badge' },
    ].entries()) {
      await page.getByTestId('add-label').click();
      const row = page.getByTestId('label-row').nth(i);
      await row.getByTestId('label-code').fill(l.code);
      await row.getByTestId('label-template').selectOption(l.template);
    }
    await page.getByTestId('add-background').click();
    await page.getByTestId('background-row').nth(0).getByTestId('background-code').fill('original');
    await page.getByTestId('add-background').click();
    const skyline = page.getByTestId('background-row').nth(1);
    await skyline.getByTestId('background-code').fill('skyline');
    await skyline.getByTestId('background-plate').setInputFiles(PLATE);
    await skyline.getByTestId('plate-ready').waitFor({ timeout: 60_000 });

    const saved = page.waitForResponse((r) => r.url().endsWith('/matrix') && r.request().method() === 'PUT');
    await page.getByTestId('save-matrix').click();
    expect((await saved).status()).toBe(200);
    await page.getByTestId('expand').click();

    const tiles = page.getByTestId('variant-tile');
    await expectCount(tiles, 8);
    // Renders finish while the page watches: the tiles must turn "done" without a reload.
    await page.waitForFunction(
      () => {
        const t = [...document.querySelectorAll('[data-testid="variant-tile"]')];
        return t.length === 8 && t.every((e) => e.getAttribute('data-status') === 'done');
      },
      undefined,
      // The analysis and eight renders: 190–250 s on two cores, more on a slow day.
      { timeout: 480_000, polling: 500 },
    );
    const thumbs = page.getByTestId('variant-thumb');
    await expectCount(thumbs, 8);
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('[data-testid="variant-thumb"]')].every((i) => i.complete && i.naturalWidth > 0),
    );
    // Every done render carries its QC verdict on the board.
    await expectCount(page.getByTestId('qc-chip'), 8);
    await page.screenshot({ path: path.join(ARTIFACTS, 'board.png'), fullPage: true });

    // Renders ran off the master's analysis: the page shows it, with a scrub strip made from its sprite.
    await page.reload();
    expect(await page.getByTestId('analysis-status').textContent()).toBe('analysed');
    const scrub = page.getByTestId('master-scrub');
    const box = (await scrub.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2);
    expect(await scrub.evaluate((e) => getComputedStyle(e).backgroundPosition)).toMatch(/% 77\.7778%$/);

    await tiles.nth(5).getByTestId('variant-link').click();
    await page.waitForURL(/\/variants\/[0-9a-f-]{36}$/);
    const video = page.getByTestId('variant-video');
    await video.waitFor();
    // The page's own player may pause the video while it syncs it with the master (a play() then rejects with
    // AbortError): ask again while waiting instead of failing on the first refusal.
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="variant-video"]');
      if (v?.paused) {
        v.muted = true;
        v.play().catch(() => undefined);
      }
      return !!v && v.currentTime > 0.5 && v.videoWidth === 640;
    }, undefined, { timeout: 30_000, polling: 250 });
    // The QC panel: the structure checks measured, and the "what changed" heatmap.
    const qc = page.getByTestId('qc-panel');
    await qc.waitFor();
    expect(await qc.locator('[data-check="frames"]').getAttribute('data-status')).toBe('pass');
    expect(await qc.locator('[data-check="duration"]').getAttribute('data-status')).toBe('pass');
    // The copy read back by OCR: the demo's German and Japanese copy passes, or says what it could not read.
    expect(await qc.locator('[data-check="copy-ocr"]').getAttribute('data-status')).toMatch(/^(pass|not-checked)$/);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="qc-heatmap"]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await page.screenshot({ path: path.join(ARTIFACTS, 'variant.png'), fullPage: true });
  });
});

async function expectCount(locator: import('playwright-core').Locator, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await locator.count()) !== n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} elements, found ${await locator.count()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
