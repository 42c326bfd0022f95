import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NavigationStart, Router, RouterLink, RouterOutlet } from '@angular/router';
import { filter } from 'rxjs';
import { describeRole } from './auth/permissions';
import { Session } from './auth/session';
import { ErrorBanner } from './core/error-banner';
import { NotificationBell } from './notifications/notification-bell';

@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink, NotificationBell],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './app.html',
  styleUrl: './app.css',
})
export class App {
  protected readonly errors = inject(ErrorBanner);
  protected readonly session = inject(Session);
  protected readonly signingOut = signal(false);
  protected readonly describeRole = describeRole;
  private readonly router = inject(Router);

  constructor() {
    // An error belongs to the page that caused it; leaving the page dismisses it.
    this.router.events
      .pipe(
        filter((e) => e instanceof NavigationStart),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.errors.clear());
  }

  protected signOut(): void {
    if (this.signingOut()) return;
    this.signingOut.set(true);
    this.session.logout().subscribe({
      next: () => {
        this.signingOut.set(false);
        void this.router.navigateByUrl('/login');
      },
      error: (err: unknown) => {
        this.signingOut.set(false);
        this.errors.show(err);
      },
    });
  }
}
