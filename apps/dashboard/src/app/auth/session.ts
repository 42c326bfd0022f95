import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import type { InvitationView, MeView } from '@shotmatrix/contracts';
import { Observable, catchError, finalize, map, of, shareReplay, tap, throwError } from 'rxjs';
import { type Permission, holdsAnywhere, may } from './permissions';

const AUTH = '/api/auth';

/**
 * Who is signed in (the session itself is the API's HttpOnly cookie). Components
 * ask `can()` to decide what to offer; the API checks again on every call.
 */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly http = inject(HttpClient);
  private readonly current = signal<MeView | null>(null);
  private readonly answered = signal(false);
  private inFlight: Observable<MeView | null> | null = null;

  /** The signed-in person, or null. */
  readonly user = this.current.asReadonly();
  /** True once the API has said who (if anyone) is signed in. */
  readonly loaded = this.answered.asReadonly();
  readonly signedIn = computed(() => this.current() !== null);

  /**
   * May the signed-in person use `permission` (on `market`, for what brand
   * managers hold per market)? Reads the user signal, so templates and
   * `computed`s that call it follow sign-in and sign-out.
   */
  can(permission: Permission, market?: string): boolean {
    return may(this.current(), permission, market);
  }

  /** Does the person hold `permission` for at least one market? For showing a control at all. */
  holds(permission: Permission): boolean {
    return holdsAnywhere(this.current(), permission);
  }

  /** Asks the API who is signed in (null on 401). Concurrent callers share one request. */
  load(): Observable<MeView | null> {
    this.inFlight ??= this.http.get<MeView>(`${AUTH}/me`).pipe(
      catchError((err: unknown) => (err instanceof HttpErrorResponse && err.status === 401 ? of(null) : throwError(() => err))),
      tap((me) => this.set(me)),
      finalize(() => (this.inFlight = null)),
      shareReplay(1),
    );
    return this.inFlight;
  }

  /** The person, asking the API only the first time (and again after it could not be reached). */
  ensureLoaded(): Observable<MeView | null> {
    return this.answered() ? of(this.current()) : this.load();
  }

  /** 401 `LOGIN_FAILED` on a wrong e-mail or password (the caller shows the API's message). */
  login(email: string, password: string): Observable<MeView> {
    return this.http.post<MeView>(`${AUTH}/login`, { email, password }).pipe(tap((me) => this.set(me)));
  }

  /** Ends the session; a session that had already ended counts as signed out. */
  logout(): Observable<void> {
    return this.http.post<void>(`${AUTH}/logout`, {}).pipe(
      catchError((err: unknown) => (err instanceof HttpErrorResponse && err.status === 401 ? of(undefined) : throwError(() => err))),
      map(() => undefined),
      tap(() => this.clear()),
    );
  }

  /** What an invitation is for (404/409 with a message when it is unknown, used or expired). */
  peekInvitation(token: string): Observable<InvitationView> {
    return this.http.get<InvitationView>(`${AUTH}/invitations/${encodeURIComponent(token)}`);
  }

  /** Creates the account and signs in as it. */
  acceptInvitation(token: string, name: string, password: string): Observable<MeView> {
    return this.http.post<MeView>(`${AUTH}/invitations/accept`, { token, name, password }).pipe(tap((me) => this.set(me)));
  }

  /** Forgets the person (the API said the session is gone). */
  clear(): void {
    this.set(null);
  }

  private set(me: MeView | null): void {
    this.current.set(me);
    this.answered.set(true);
  }
}
