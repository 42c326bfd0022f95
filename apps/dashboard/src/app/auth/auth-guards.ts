import { inject } from '@angular/core';
import { type CanActivateChildFn, type CanMatchFn, Router } from '@angular/router';
import { catchError, map, of } from 'rxjs';
import { ErrorBanner } from '../core/error-banner';
import type { Permission } from './permissions';
import { Session } from './session';
import { signInUrl } from './sign-in-url';

/**
 * Every page but /login and /accept-invitation needs someone signed in. Asks
 * the API once; after that the session service knows (the interceptor clears
 * it when a call answers 401).
 */
export const requireSignIn: CanActivateChildFn = (_route, state) => {
  const session = inject(Session);
  const router = inject(Router);
  const errors = inject(ErrorBanner);
  return session.ensureLoaded().pipe(
    map((me) => (me ? true : signInUrl(router, state.url))),
    // The API could not be reached: asking for a password would not help, so the
    // page opens and says what failed (the next navigation asks again).
    catchError((err: unknown) => {
      errors.show(err);
      return of(true);
    }),
  );
};

/**
 * Matches the route only for people who hold `permission`; list a route with
 * the same path after it for everyone else (the "no access" page).
 */
export function requirePermission(permission: Permission): CanMatchFn {
  return () => {
    const session = inject(Session);
    return session.ensureLoaded().pipe(
      map(() => session.holds(permission)),
      catchError(() => of(false)),
    );
  };
}
