import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { DOCUMENT, inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { isSessionLoss } from './next-url';
import { Session } from './session';
import { signInUrl } from './sign-in-url';

/**
 * A 401 from the API (other than the sign-in calls) means the session ended —
 * expired, signed out elsewhere, or the account's role changed: forget the
 * person and ask them to sign in, coming back to this page afterwards. The
 * error still reaches the caller so its spinners stop.
 */
export const sessionInterceptor: HttpInterceptorFn = (req, next) => {
  const session = inject(Session);
  const router = inject(Router);
  const origin = inject(DOCUMENT).location.origin;
  return next(req).pipe(
    catchError((err: unknown) => {
      if (err instanceof HttpErrorResponse && isSessionLoss(req.url, err.status, origin)) {
        session.clear();
        const here = router.url;
        if (!here.startsWith('/login')) void router.navigateByUrl(signInUrl(router, here));
      }
      return throwError(() => err);
    }),
  );
};
