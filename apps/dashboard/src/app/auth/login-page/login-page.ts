import { ChangeDetectionStrategy, Component, DestroyRef, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router } from '@angular/router';
import { describeApiError } from '../../core/api-error';
import { ErrorBanner } from '../../core/error-banner';
import { eventValue } from '../../shared/dom';
import { safeNextUrl } from '../next-url';
import { Session } from '../session';

@Component({
  selector: 'app-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './login-page.html',
  styleUrls: ['../auth-card.css'],
})
export class LoginPage {
  private readonly session = inject(Session);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  /** Query parameter `next`: the page to return to (only a path on this site is followed). */
  readonly next = input<string | undefined>(undefined);

  protected readonly email = signal('');
  protected readonly password = signal('');
  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly eventValue = eventValue;

  constructor() {
    // Whatever failed on the page that sent us here was the ended session; this page says what to do.
    inject(ErrorBanner).clear();
  }

  protected submit(event: Event): void {
    event.preventDefault();
    if (this.submitting()) return;
    const email = this.email().trim();
    const password = this.password();
    if (!email || !password) {
      this.error.set('Enter your e-mail address and password.');
      return;
    }
    this.submitting.set(true);
    this.error.set(null);
    this.session
      .login(email, password)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: () => void this.router.navigateByUrl(safeNextUrl(this.next())),
        error: (err: unknown) => {
          this.submitting.set(false);
          this.password.set('');
          this.error.set(describeApiError(err));
        },
      });
  }
}
