import type { Router, UrlTree } from '@angular/router';
import { nextParamFor } from './next-url';

/** /login, with `next` set to the page to come back to when there is one. */
export function signInUrl(router: Router, currentUrl: string): UrlTree {
  const next = nextParamFor(currentUrl);
  return router.createUrlTree(['/login'], next ? { queryParams: { next } } : {});
}
