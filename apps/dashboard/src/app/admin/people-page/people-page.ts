import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DOCUMENT, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { AccountView, InvitationView, RoleName } from '@shotmatrix/contracts';
import { describeApiError } from '../../core/api-error';
import { eventValue } from '../../shared/dom';
import { ROLES, ROLE_LABEL, describeRole } from '../../auth/permissions';
import { Session } from '../../auth/session';
import { type AccountPatch, AdminApi } from '../admin-api';
import { formatMarkets, marketsProblem, parseMarkets } from '../markets';

/** A row's unsaved role and markets. */
interface Draft {
  role: RoleName;
  marketsText: string;
}

interface RowStatus {
  saving: boolean;
  error: string | null;
  saved: boolean;
}

const IDLE: RowStatus = { saving: false, error: null, saved: false };

const draftOf = (a: AccountView): Draft => ({ role: a.role, marketsText: formatMarkets(a.markets) });

function isDirty(a: AccountView, d: Draft): boolean {
  if (d.role !== a.role) return true;
  const parsed = parseMarkets(d.marketsText);
  return parsed.invalid.length > 0 || parsed.markets.join(',') !== a.markets.join(',');
}

@Component({
  selector: 'app-people-page',
  imports: [DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './people-page.html',
  styleUrl: './people-page.css',
})
export class PeoplePage {
  private readonly api = inject(AdminApi);
  private readonly session = inject(Session);
  private readonly document = inject(DOCUMENT);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly roles = ROLES;
  protected readonly roleLabel = ROLE_LABEL;
  protected readonly describeRole = describeRole;
  protected readonly eventValue = eventValue;

  protected readonly accounts = signal<AccountView[]>([]);
  protected readonly loading = signal(true);
  protected readonly loadError = signal<string | null>(null);
  private readonly drafts = signal<Record<string, Draft>>({});
  private readonly statuses = signal<Record<string, RowStatus>>({});

  protected readonly rows = computed(() => {
    const me = this.session.user()?.id;
    return this.accounts().map((account) => {
      const draft = this.drafts()[account.id] ?? draftOf(account);
      return {
        account,
        draft,
        status: this.statuses()[account.id] ?? IDLE,
        dirty: isDirty(account, draft),
        isMe: account.id === me,
      };
    });
  });

  protected readonly inviteEmail = signal('');
  protected readonly inviteRole = signal<RoleName>('producer');
  protected readonly inviteMarkets = signal('');
  protected readonly inviting = signal(false);
  protected readonly inviteError = signal<string | null>(null);
  protected readonly invitation = signal<{ view: InvitationView; link: string } | null>(null);
  protected readonly copyState = signal<'idle' | 'copied' | 'failed'>('idle');
  protected readonly pending = signal<InvitationView[]>([]);
  protected readonly pendingError = signal<string | null>(null);

  constructor() {
    this.api
      .listAccounts()
      .pipe(takeUntilDestroyed())
      .subscribe({
        next: (list) => {
          this.accounts.set(list);
          this.loading.set(false);
        },
        error: (err: unknown) => {
          this.loading.set(false);
          this.loadError.set(describeApiError(err));
        },
      });
    this.loadPending();
  }

  private loadPending(): void {
    this.api
      .listInvitations()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({ next: (list) => this.pending.set(list), error: (err: unknown) => this.pendingError.set(describeApiError(err)) });
  }

  protected revoke(inv: InvitationView): void {
    this.pendingError.set(null);
    this.api
      .revokeInvitation(inv.id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: () => this.pending.update((list) => list.filter((x) => x.id !== inv.id)),
        error: (err: unknown) => this.pendingError.set(describeApiError(err)),
      });
  }

  protected setRole(account: AccountView, value: string): void {
    const role = value as RoleName;
    const current = this.drafts()[account.id] ?? draftOf(account);
    // Only brand managers are scoped to markets: leaving that role drops them.
    const marketsText = role === 'brand-manager' ? current.marketsText : '';
    this.setDraft(account.id, { role, marketsText });
  }

  protected setMarkets(account: AccountView, marketsText: string): void {
    const current = this.drafts()[account.id] ?? draftOf(account);
    this.setDraft(account.id, { ...current, marketsText });
  }

  protected reset(account: AccountView): void {
    this.drafts.update(({ [account.id]: _, ...rest }) => rest);
    this.setStatus(account.id, IDLE);
  }

  protected save(account: AccountView): void {
    const draft = this.drafts()[account.id] ?? draftOf(account);
    const parsed = parseMarkets(draft.marketsText);
    const problem = draft.role === 'brand-manager' ? marketsProblem(draft.role, parsed) : null;
    if (problem) return this.setStatus(account.id, { ...IDLE, error: problem });
    const patch: AccountPatch = {};
    if (draft.role !== account.role) patch.role = draft.role;
    if (draft.role === 'brand-manager' || draft.role !== account.role) {
      patch.markets = draft.role === 'brand-manager' ? parsed.markets : [];
    }
    this.patch(account, patch, true);
  }

  protected setDisabled(account: AccountView, disabled: boolean): void {
    this.patch(account, { disabled }, false);
  }

  protected invite(event: Event): void {
    event.preventDefault();
    if (this.inviting()) return;
    const email = this.inviteEmail().trim();
    const role = this.inviteRole();
    if (!email) return this.inviteError.set('Enter the e-mail address of the person to invite.');
    const parsed = parseMarkets(this.inviteMarkets());
    const problem = role === 'brand-manager' ? marketsProblem(role, parsed) : null;
    if (problem) return this.inviteError.set(problem);
    this.inviting.set(true);
    this.inviteError.set(null);
    this.invitation.set(null);
    this.api
      .invite({ email, role, markets: role === 'brand-manager' ? parsed.markets : [] })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (view) => {
          this.inviting.set(false);
          this.copyState.set('idle');
          this.invitation.set({ view, link: `${this.document.location.origin}${view.acceptPath ?? ''}` });
          this.inviteEmail.set('');
          this.inviteMarkets.set('');
          this.loadPending();
        },
        error: (err: unknown) => {
          this.inviting.set(false);
          this.inviteError.set(describeApiError(err));
        },
      });
  }

  protected setInviteRole(value: string): void {
    this.inviteRole.set(value as RoleName);
    if (value !== 'brand-manager') this.inviteMarkets.set('');
  }

  protected copyLink(link: string, field: HTMLInputElement): void {
    const clipboard = this.document.defaultView?.navigator.clipboard;
    field.select();
    if (!clipboard) return this.copyState.set('failed');
    clipboard.writeText(link).then(
      () => this.copyState.set('copied'),
      () => this.copyState.set('failed'),
    );
  }

  protected selectAll(event: Event): void {
    (event.target as HTMLInputElement | null)?.select();
  }

  private patch(account: AccountView, patch: AccountPatch, clearsDraft: boolean): void {
    this.setStatus(account.id, { ...IDLE, saving: true });
    this.api
      .updateAccount(account.id, patch)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (updated) => {
          this.accounts.update((list) => list.map((a) => (a.id === updated.id ? updated : a)));
          if (clearsDraft) this.drafts.update(({ [account.id]: _, ...rest }) => rest);
          this.setStatus(account.id, { ...IDLE, saved: true });
        },
        error: (err: unknown) => this.setStatus(account.id, { ...IDLE, error: describeApiError(err) }),
      });
  }

  private setDraft(id: string, draft: Draft): void {
    this.drafts.update((all) => ({ ...all, [id]: draft }));
    const status = this.statuses()[id];
    if (status?.saved || status?.error) this.setStatus(id, IDLE);
  }

  private setStatus(id: string, status: RowStatus): void {
    this.statuses.update((all) => ({ ...all, [id]: status }));
  }
}
