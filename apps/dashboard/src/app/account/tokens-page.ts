import { DatePipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import type { ApiTokenView } from '@shotmatrix/contracts';
import { describeApiError } from '../core/api-error';

/**
 * Personal API tokens for scripts and the CLI: made here (shown once),
 * listed without their secret, revoked when a script or laptop is retired.
 */
@Component({
  selector: 'app-tokens-page',
  imports: [DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>API tokens</h1>
    <p class="lead">For scripts and the <code>shotmatrix</code> CLI (<code>SHOTMATRIX_TOKEN</code>). A token acts as you, with your role, for 90 days.</p>
    <section class="panel" aria-labelledby="new-token">
      <header class="panel-head"><h2 id="new-token">New token</h2></header>
      <div class="panel-body">
        <form (submit)="$event.preventDefault(); create()">
          <label class="field">
            <span>What it is for</span>
            <input type="text" data-testid="token-label" maxlength="80" [value]="label()" (input)="label.set($any($event.target).value)" placeholder="nightly import script" />
          </label>
          <button type="submit" class="btn" data-testid="token-create" [disabled]="busy()">Create token</button>
        </form>
        @if (created(); as t) {
          <p role="status">Copy it now: it is shown only once.</p>
          <input class="mono secret" type="text" readonly data-testid="token-secret" [value]="t" aria-label="The new token" (focus)="$any($event.target).select()" />
        }
        @if (error(); as e) {
          <p class="error" role="alert" data-testid="token-error">{{ e }}</p>
        }
      </div>
    </section>
    <section class="panel" aria-labelledby="my-tokens">
      <header class="panel-head"><h2 id="my-tokens">Your tokens</h2></header>
      <div class="panel-body">
        @if (tokens().length === 0) {
          <p class="muted">None.</p>
        } @else {
          <table>
            <thead>
              <tr><th scope="col">For</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              @for (t of tokens(); track t.id) {
                <tr data-testid="token-row">
                  <td>{{ t.label }}</td>
                  <td>{{ t.createdAt | date: 'yyyy-MM-dd HH:mm' }}</td>
                  <td>{{ t.lastUsedAt ? (t.lastUsedAt | date: 'yyyy-MM-dd HH:mm') : 'never' }}</td>
                  <td>{{ t.expiresAt | date: 'yyyy-MM-dd' }}</td>
                  <td>
                    <button type="button" class="btn btn-small btn-ghost" data-testid="token-revoke" (click)="revoke(t)">
                      Revoke<span class="visually-hidden"> the token for {{ t.label }}</span>
                    </button>
                  </td>
                </tr>
              }
            </tbody>
          </table>
        }
      </div>
    </section>
  `,
  styles: `
    .secret { width: 100%; margin-top: 0.25rem; }
    table { width: 100%; border-collapse: collapse; }
    th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #ececf1; }
    .error { color: #b3261e; }
  `,
})
export class TokensPage {
  private readonly http = inject(HttpClient);
  protected readonly tokens = signal<ApiTokenView[]>([]);
  protected readonly label = signal('');
  protected readonly created = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);

  constructor() {
    this.load();
  }

  protected create(): void {
    const label = this.label().trim();
    if (!label) return this.error.set('Say what the token is for, so you can tell it apart later.');
    this.busy.set(true);
    this.error.set(null);
    this.http.post<{ token: string }>('/api/auth/tokens', { label }).subscribe({
      next: (r) => {
        this.busy.set(false);
        this.created.set(r.token);
        this.label.set('');
        this.load();
      },
      error: (err: unknown) => {
        this.busy.set(false);
        this.error.set(describeApiError(err));
      },
    });
  }

  protected revoke(t: ApiTokenView): void {
    this.http.delete(`/api/auth/tokens/${encodeURIComponent(t.id)}`).subscribe({
      next: () => this.tokens.update((list) => list.filter((x) => x.id !== t.id)),
      error: (err: unknown) => this.error.set(describeApiError(err)),
    });
  }

  private load(): void {
    this.http.get<ApiTokenView[]>('/api/auth/tokens').subscribe({ next: (list) => this.tokens.set(list), error: (err: unknown) => this.error.set(describeApiError(err)) });
  }
}
