import type { BrowserContext } from 'playwright-core';
import { TEST_ADMIN } from '@shotmatrix/testing';

/**
 * Signs a browser context in through the API (the cookie lands in the
 * context's jar). Specs that are about the sign-in page itself use the page.
 */
export async function signInContext(context: BrowserContext, baseUrl: string, who: { email: string; password: string } = TEST_ADMIN): Promise<void> {
  const res = await context.request.post(`${baseUrl}/api/auth/login`, { data: { email: who.email, password: who.password } });
  if (res.status() !== 200) throw new Error(`signing in as ${who.email} failed: ${res.status()} ${await res.text()}`);
}
