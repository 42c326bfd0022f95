import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router, RouterLink } from '@angular/router';
import type { InvitationView } from '@shotmatrix/contracts';
import { describeApiError } from '../../core/api-error';
import { ErrorBanner } from '../../core/error-banner';
import { eventValue } from '../../shared/dom';
import { describeRole } from '../permissions';
import { Session } from '../session';

/** The API's rule, checked here first so the person hears it before submitting. */
export const MIN_PASSWORD_LENGTH = 10;

@Component({
  selector: 'app-accept-invitation-page',
  imports: [DatePipe, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './accept-invitation-page.html',
  styleUrls: ['../auth-card.css', './accept-invitation-page.css'],
})
export class AcceptInvitationPage {
  private readonly session = inject(Session);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  /** Query parameter `token`, from the link the admin sent. */
  readonly token = input<string | undefined>(undefined);

  protected readonly invitation = signal<InvitationView | null>(null);
  protected readonly loading = signal(true);
  /** Why the link cannot be used (unknown, used, expired); the form is not offered then. */
  protected readonly linkProblem = signal<string | null>(null);

  protected readonly name = signal('');
  protected readonly password = signal('');
  protected readonly repeat = signal('');
  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);

  protected readonly minLength = MIN_PASSWORD_LENGTH;
  protected readonly eventValue = eventValue;
  protected readonly describeRole = describeRole;

  constructor() {
    inject(ErrorBanner).clear();
    effect((onCleanup) => {
      const token = this.token()?.trim();
      this.invitation.set(null);
      this.linkProblem.set(null);
      if (!token) {
        this.loading.set(false);
        this.linkProblem.set('This link has no invitation in it. Open the whole link from your invitation, or ask your admin for a new one.');
        return;
      }
      this.loading.set(true);
      const request = this.session.peekInvitation(token).subscribe({
        next: (invitation) => {
          this.loading.set(false);
          this.invitation.set(invitation);
        },
        error: (err: unknown) => {
          this.loading.set(false);
          this.linkProblem.set(describeApiError(err));
        },
      });
      onCleanup(() => request.unsubscribe());
    });
  }

  protected submit(event: Event): void {
    event.preventDefault();
    const token = this.token()?.trim();
    if (this.submitting() || !token || !this.invitation()) return;
    const name = this.name().trim();
    const password = this.password();
    if (!name) return this.error.set('Enter your name as colleagues should see it.');
    if (password.length < MIN_PASSWORD_LENGTH) return this.error.set(`Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`);
    if (password !== this.repeat()) return this.error.set('The two passwords differ. Type the same password twice.');
    this.submitting.set(true);
    this.error.set(null);
    this.session
      .acceptInvitation(token, name, password)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: () => void this.router.navigateByUrl('/'),
        error: (err: unknown) => {
          this.submitting.set(false);
          this.error.set(describeApiError(err));
        },
      });
  }
}
