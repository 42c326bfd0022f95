import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink } from '@angular/router';
import { filter } from 'rxjs';
import type { NotificationView } from '@shotmatrix/contracts';
import { ago, notificationLink, unreadCount } from './notification-list';

/**
 * The header's notifications: decisions, comments and failed renders that
 * concern the signed-in person. Refreshed when they move between pages (no
 * timer) and when they open the list.
 */
@Component({
  selector: 'app-notification-bell',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="bell" (keydown.escape)="close(bellButton)">
      <button
        type="button"
        class="btn btn-small"
        #bellButton
        data-testid="notifications"
        [attr.aria-expanded]="open()"
        aria-controls="notification-panel"
        (click)="toggle()"
      >
        Notifications
        @if (unread() > 0) {
          <span class="count" data-testid="notifications-unread">{{ unread() }}<span class="visually-hidden"> unread</span></span>
        }
      </button>
      @if (open()) {
        <section id="notification-panel" class="panel" aria-label="Notifications">
          @if (items().length === 0) {
            <p class="empty">Nothing yet.</p>
          } @else {
            <ul>
              @for (n of items(); track n.id) {
                <li [class.unread]="!n.read" data-testid="notification">
                  @if (link(n); as href) {
                    <a [routerLink]="href" (click)="open.set(false)">{{ n.message }}</a>
                  } @else {
                    <span>{{ n.message }}</span>
                  }
                  <span class="when">{{ ago(n.createdAt) }}</span>
                </li>
              }
            </ul>
            <button type="button" class="btn btn-small btn-ghost" (click)="markRead()" [disabled]="unread() === 0">Mark all read</button>
          }
        </section>
      }
    </div>
  `,
  styles: `
    .bell { position: relative; }
    .count { margin-left: 0.35rem; background: #b3261e; color: #fff; border-radius: 999px; padding: 0 0.45rem; font-size: 0.8rem; }
    .panel { position: absolute; right: 0; top: 2.4rem; z-index: 20; width: 22rem; max-height: 26rem; overflow: auto; background: #fff; color: #1b1b1f; border: 1px solid #c9c9d1; border-radius: 8px; padding: 0.5rem; box-shadow: 0 6px 24px rgb(0 0 0 / 18%); }
    ul { list-style: none; margin: 0 0 0.5rem; padding: 0; }
    li { display: flex; justify-content: space-between; gap: 0.5rem; padding: 0.4rem 0.3rem; border-bottom: 1px solid #ececf1; }
    li.unread { font-weight: 600; }
    .when { color: #55555f; font-size: 0.8rem; white-space: nowrap; }
    .empty { margin: 0.3rem; color: #55555f; }
  `,
})
export class NotificationBell {
  private readonly http = inject(HttpClient);
  protected readonly items = signal<NotificationView[]>([]);
  protected readonly open = signal(false);
  protected readonly unread = computed(() => unreadCount(this.items()));
  protected readonly link = notificationLink;
  protected readonly ago = (iso: string) => ago(iso);

  constructor() {
    this.refresh();
    inject(Router)
      .events.pipe(
        filter((e) => e instanceof NavigationEnd),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.refresh());
  }

  protected toggle(): void {
    this.open.update((o) => !o);
    if (this.open()) this.refresh();
  }

  /** Escape closes the list and gives focus back to the button that opened it. */
  protected close(button: HTMLButtonElement): void {
    if (!this.open()) return;
    this.open.set(false);
    button.focus();
  }

  protected markRead(): void {
    const newest = this.items()[0]?.id;
    if (!newest) return;
    this.http.post('/api/notifications/read', { upTo: newest }).subscribe({
      next: () => this.items.update((list) => list.map((n) => ({ ...n, read: true }))),
    });
  }

  private refresh(): void {
    // A failed refresh leaves the list as it was; the page's own calls report real trouble.
    this.http.get<NotificationView[]>('/api/notifications').subscribe({ next: (list) => this.items.set(list), error: () => undefined });
  }
}
