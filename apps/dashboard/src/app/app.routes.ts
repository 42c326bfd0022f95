import { Routes } from '@angular/router';
import { confirmUnsavedChanges } from './masters/leave-guard';

export const routes: Routes = [
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
  { path: '**', redirectTo: '' },
];
