import { HttpClient, HttpEventType } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  CampaignSummaryView,
  CampaignView,
  MatrixInput,
  PlateView,
  VariantView,
} from '@shotmatrix/contracts';
import { Observable, filter, map } from 'rxjs';

/** Progress of a multipart upload, then the API's answer. */
export type UploadProgress<T> = { kind: 'progress'; fraction: number } | { kind: 'done'; body: T };

const API = '/api';

/** Typed access to the Shotmatrix HTTP API (same origin, under /api). */
@Injectable({ providedIn: 'root' })
export class ShotmatrixApi {
  private readonly http = inject(HttpClient);

  listCampaigns(): Observable<CampaignSummaryView[]> {
    return this.http.get<CampaignSummaryView[]>(`${API}/campaigns`);
  }

  createCampaign(name: string): Observable<CampaignView> {
    return this.http.post<CampaignView>(`${API}/campaigns`, { name });
  }

  getCampaign(id: string): Observable<CampaignView> {
    return this.http.get<CampaignView>(`${API}/campaigns/${encodeURIComponent(id)}`);
  }

  uploadMaster(campaignId: string, file: File): Observable<UploadProgress<CampaignView>> {
    return this.upload<CampaignView>(`${API}/campaigns/${encodeURIComponent(campaignId)}/master`, file);
  }

  uploadPlate(campaignId: string, file: File): Observable<UploadProgress<PlateView>> {
    return this.upload<PlateView>(`${API}/campaigns/${encodeURIComponent(campaignId)}/plates`, file);
  }

  saveMatrix(campaignId: string, matrix: MatrixInput): Observable<CampaignView> {
    return this.http.put<CampaignView>(`${API}/campaigns/${encodeURIComponent(campaignId)}/matrix`, matrix);
  }

  expand(campaignId: string): Observable<CampaignView> {
    return this.http.post<CampaignView>(`${API}/campaigns/${encodeURIComponent(campaignId)}/expand`, {});
  }

  getVariant(id: string): Observable<VariantView> {
    return this.http.get<VariantView>(`${API}/variants/${encodeURIComponent(id)}`);
  }

  eventsUrl(campaignId: string): string {
    return `${API}/campaigns/${encodeURIComponent(campaignId)}/events`;
  }

  private upload<T>(url: string, file: File): Observable<UploadProgress<T>> {
    const body = new FormData();
    body.append('file', file, file.name);
    return this.http.post<T>(url, body, { observe: 'events', reportProgress: true }).pipe(
      filter((e) => e.type === HttpEventType.UploadProgress || e.type === HttpEventType.Response),
      map((e): UploadProgress<T> => {
        if (e.type === HttpEventType.Response) return { kind: 'done', body: e.body as T };
        const total = e.type === HttpEventType.UploadProgress ? (e.total ?? file.size) : file.size;
        const loaded = e.type === HttpEventType.UploadProgress ? e.loaded : 0;
        return { kind: 'progress', fraction: total > 0 ? Math.min(1, loaded / total) : 0 };
      }),
    );
  }
}
