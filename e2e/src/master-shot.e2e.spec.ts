import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { CameraMotionTrack, CampaignView, MasterShotView, PlaneTrack } from '@shotmatrix/contracts';
import { REPO_ROOT, SHARED_MEDIA, signedInFetch } from '@shotmatrix/testing';
import { launchChromium } from './browser';
import { signInContext } from './sign-in';
import { startStack, type RunningStack } from './stack';

const ARTIFACTS = path.join(REPO_ROOT, 'artifacts/e2e');
/** The flat yellow wall makes this a chroma-key master: analysed in seconds, no network. */
const CLIP = path.join(SHARED_MEDIA, 'clips/talking_head_yellow_backdrop_mdn.mp4');

describe('master shot page: analysis, frame-accurate scrubbing, matte, camera path and a tracked label quad (real Chromium)', () => {
  let stack: RunningStack;
  let browser: Browser;
  let page: Page;
  /** The API refuses anonymous calls: this file's own calls go out as the test admin. */
  let fetch!: typeof globalThis.fetch;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    stack = await startStack();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await signInContext(page.context(), stack.baseUrl);
    fetch = await signedInFetch(stack.baseUrl);
    page.on('pageerror', (e) => stack.logs.push(`[page] ${e.message}`));
  });

  afterAll(async () => {
    if (stack) await writeFile(path.join(ARTIFACTS, 'master-stack.log'), stack.logs.join('\n'));
    if (page) await page.screenshot({ path: path.join(ARTIFACTS, 'master-last-page.png'), fullPage: true }).catch(() => undefined);
    await browser?.close();
    await stack?.stop();
  });

  const api = async <T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> => {
    const res = await fetch(`${stack.baseUrl}/api${url}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  it('analyses the master, scrubs to frame 48, shows the matte, and tracks a quad drawn on it', async () => {
    const campaign = await api<CampaignView>('POST', '/campaigns', { name: 'E2E master shot' });
    const form = new FormData();
    form.append('file', new Blob([await readFile(CLIP)]), 'talking-head.mp4');
    expect((await fetch(`${stack.baseUrl}/api/campaigns/${campaign.id}/master`, { method: 'POST', body: form })).status).toBe(201);

    await page.goto(`${stack.baseUrl}/campaigns/${campaign.id}`);
    await page.getByTestId('open-master').click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}\/master$/);
    // Progress arrives over the campaign's event stream; the page never reloads.
    await page.getByTestId('analysis-state').filter({ hasText: 'Analysed' }).waitFor({ timeout: 180_000 });
    await expect(page.getByTestId('matting').textContent()).resolves.toMatch(/chroma/i);
    // A flat key wall has nothing to track: the page says so instead of claiming a measurement.
    await expect(page.getByTestId('camera-motion').textContent()).resolves.toMatch(/not measurable/);

    const master = await api<MasterShotView>('GET', `/campaigns/${campaign.id}/master`);
    const a = master.analysis!;
    expect(a).toMatchObject({ status: 'done', mattingMode: 'chroma', executionProvider: null });
    // Frame 0 is the reference (exact by definition); the wall gives nothing to measure after it.
    expect(a.cameraMotionMeasured).toBeLessThan(0.01);
    const camera = await api<CameraMotionTrack>('GET', a.cameraMotionUrl!.replace(/^\/api/, ''));
    expect(camera.frames).toHaveLength(a.frameCount!);

    // Frame-accurate: typing 48 shows exactly frames/48.
    await page.getByTestId('frame-input').fill('48');
    await page.getByTestId('frame-input').press('Enter');
    const image = page.getByTestId('frame-image');
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="frame-image"]');
      return !!img && /\/frames\/48\b/.test(img.src) && img.complete && img.naturalWidth > 0;
    });
    expect(await image.getAttribute('src')).toMatch(/\/frames\/48\b/);
    await page.getByTestId('step-forward').click();
    await page.waitForFunction(() => /\/frames\/49\b/.test(document.querySelector<HTMLImageElement>('[data-testid="frame-image"]')?.src ?? ''));
    await page.getByTestId('step-back').click();
    await page.waitForFunction(() => /\/frames\/48\b/.test(document.querySelector<HTMLImageElement>('[data-testid="frame-image"]')?.src ?? ''));

    await page.getByTestId('toggle-matte').check();
    await page.getByTestId('matte-overlay').waitFor({ state: 'attached' });
    await page.screenshot({ path: path.join(ARTIFACTS, 'master-frame-48-matte.png') });

    // Draw a label quad on frame 48 and save: the plane is tracked through the shot.
    await page.getByTestId('add-quad').click();
    await page.getByTestId('add-name').fill('chest');
    await page.getByTestId('add-confirm').click();
    await page.getByTestId('editable-quad').waitFor();
    await page.getByTestId('save-keyframes').click();
    await page.getByTestId('retracked').filter({ hasText: 'chest' }).waitFor();
    await page.getByTestId('plane-statuses').filter({ hasText: 'tracked' }).waitFor({ timeout: 120_000 });
    await page.getByTestId('tracked-quad').first().waitFor({ state: 'attached' });
    await page.screenshot({ path: path.join(ARTIFACTS, 'master-tracked-quad.png') });

    const keyframes = await api<{ version: number; keyframes: Array<{ kind: string; frame: number; plane?: string }> }>('GET', `/campaigns/${campaign.id}/master/keyframes`);
    expect(keyframes.version).toBe(2);
    expect(keyframes.keyframes).toEqual([expect.objectContaining({ kind: 'label-quad', frame: 48, plane: 'chest' })]);
    const after = await api<MasterShotView>('GET', `/campaigns/${campaign.id}/master`);
    const plane = after.analysis!.planes.find((p) => p.plane === 'chest')!;
    expect(plane.status).toBe('done');
    const track = await api<PlaneTrack>('GET', plane.trackUrl!.replace(/^\/api/, ''));
    expect(track.frames).toHaveLength(a.frameCount!);
    expect(track.frames[48].quad).not.toBeNull();
    // The analysis itself did not run again for the keyframe edit.
    expect(after.analysis!.status).toBe('done');
  });
});
