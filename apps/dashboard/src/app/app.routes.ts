import { Routes } from '@angular/router';
import { requirePermission, requireSignIn } from './auth/auth-guards';
import { confirmUnsavedChanges } from './masters/leave-guard';

const noAccess = () => import('./auth/no-access').then((m) => m.NoAccess);

export const routes: Routes = [
  {
    path: 'login',
    title: 'Sign in · Shotmatrix',
    loadComponent: () => import('./auth/login-page/login-page').then((m) => m.LoginPage),
  },
  {
    path: 'accept-invitation',
    title: 'Join Shotmatrix',
    loadComponent: () => import('./auth/accept-invitation-page/accept-invitation-page').then((m) => m.AcceptInvitationPage),
  },
  {
    // Everything else needs someone signed in: add new pages here, not above.
    path: '',
    canActivateChild: [requireSignIn],
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: 'Campaigns · Shotmatrix',
        loadComponent: () => import('./campaigns/campaign-list/campaign-list').then((m) => m.CampaignList),
      },
      {
        path: 'campaigns/:id/master',
        title: 'Master shot · Shotmatrix',
        loadComponent: () => import('./masters/master-page/master-page').then((m) => m.MasterPage),
        canDeactivate: [confirmUnsavedChanges],
      },
      {
        path: 'campaigns/:id',
        title: 'Campaign · Shotmatrix',
        loadComponent: () => import('./campaigns/campaign-page/campaign-page').then((m) => m.CampaignPage),
      },
      {
        path: 'variants/:id',
        title: 'Variant · Shotmatrix',
        loadComponent: () => import('./variants/variant-page/variant-page').then((m) => m.VariantPage),
      },
      {
        path: 'account/tokens',
        title: 'API tokens · Shotmatrix',
        loadComponent: () => import('./account/tokens-page').then((m) => m.TokensPage),
      },
      // Each admin page matches only for those who hold its permission; everyone else gets the same path's "no access" page.
      {
        path: 'admin/people',
        title: 'People · Shotmatrix',
        canMatch: [requirePermission('account:manage')],
        loadComponent: () => import('./admin/people-page/people-page').then((m) => m.PeoplePage),
      },
      {
        path: 'admin/audit',
        title: 'Audit log · Shotmatrix',
        canMatch: [requirePermission('audit:read')],
        loadComponent: () => import('./admin/audit-page/audit-page').then((m) => m.AuditPage),
      },
      {
        path: 'ops',
        title: 'Ops · Shotmatrix',
        canMatch: [requirePermission('ops:read')],
        loadComponent: () => import('./ops/ops-page/ops-page').then((m) => m.OpsPage),
      },
      { path: 'admin/people', title: 'No access · Shotmatrix', loadComponent: noAccess },
      { path: 'admin/audit', title: 'No access · Shotmatrix', loadComponent: noAccess },
      { path: 'ops', title: 'No access · Shotmatrix', loadComponent: noAccess },
      { path: '**', redirectTo: '' },
    ],
  },
];
