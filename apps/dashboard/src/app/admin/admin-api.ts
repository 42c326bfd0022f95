import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AccountView, AuditEntryView, InvitationView, RoleName } from '@shotmatrix/contracts';
import type { Observable } from 'rxjs';

export interface AccountPatch {
  role?: RoleName;
  markets?: string[];
  disabled?: boolean;
  name?: string;
}

export interface InvitationRequest {
  email: string;
  role: RoleName;
  markets: string[];
}

export interface AuditQuery {
  campaign?: string;
  entity?: string;
  entityId?: string;
  /** Entries older than this id (the last one on the current page). */
  before?: string;
  limit?: number;
}

/** The admin endpoints: accounts and invitations (account:manage), the audit log (audit:read). */
@Injectable({ providedIn: 'root' })
export class AdminApi {
  private readonly http = inject(HttpClient);

  listAccounts(): Observable<AccountView[]> {
    return this.http.get<AccountView[]>('/api/accounts');
  }

  /** 400 with a message for a bad role/markets pair, 409 for the last admin. */
  updateAccount(id: string, patch: AccountPatch): Observable<AccountView> {
    return this.http.patch<AccountView>(`/api/accounts/${encodeURIComponent(id)}`, patch);
  }

  /** The answer carries the token and accept link once; they are not stored. 409 if the e-mail has an account. */
  invite(body: InvitationRequest): Observable<InvitationView> {
    return this.http.post<InvitationView>('/api/accounts/invitations', body);
  }

  /** Not yet accepted and still good, newest first. */
  listInvitations(): Observable<InvitationView[]> {
    return this.http.get<InvitationView[]>('/api/accounts/invitations');
  }

  /** The link stops working at once. */
  revokeInvitation(id: string): Observable<void> {
    return this.http.delete<void>(`/api/accounts/invitations/${encodeURIComponent(id)}`);
  }

  /** Newest first. */
  listAudit(query: AuditQuery): Observable<AuditEntryView[]> {
    let params = new HttpParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params = params.set(key, String(value));
    }
    return this.http.get<AuditEntryView[]>('/api/audit', { params });
  }
}
