import { HttpClient, HttpEventType, HttpHeaders } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  CampaignSummaryView,
  CampaignView,
  ExpandResponse,
  Keyframe,
  KeyframesView,
  MasterShotView,
  MatrixInput,
  PlateView,
  VariantView,
  CommentThreadView,
  CommentView,
  VariantVersionView,
} from '@shotmatrix/contracts';
import { Observable, filter, map, retry, throwError, timer } from 'rxjs';
import { type CampaignFileType, ifMatch, isTransientFailure } from './request-headers';

/** A matrix as sent to the API: what the schema fills in by default may be left out. */
export type MatrixBody = Omit<MatrixInput, 'defaults'> & Partial<Pick<MatrixInput, 'defaults'>>;

/** Progress of a multipart upload, then the API's answer. */
export type UploadProgress<T> = { kind: 'progress'; fraction: number } | { kind: 'done'; body: T };

export type CampaignFileFormat = 'yaml' | 'json';

/** What saving the keyframes answers: the stored list and the label planes queued for tracking again. */
export interface KeyframesSaved extends KeyframesView {
  retracked: string[];
}

export type FrameLayer = 'frame' | 'matte';

/** A decision as sent: `basedOn` is the approval id the reviewer saw (null: none); a rejection needs a comment. */
export interface DecisionRequest {
  decision: 'approved' | 'rejected';
  comment: string | null;
  basedOn: string | null;
  frame?: number;
}

/** A comment on a frame of the current version (region normalised 0..1), or a reply (`parentId`). */
export interface CommentRequest {
  body: string;
  frame: number;
  region?: { x: number; y: number; w: number; h: number } | null;
  parentId?: string | null;
}

const API = '/api';
const campaignUrl = (id: string) => `${API}/campaigns/${encodeURIComponent(id)}`;

/**
 * Retries a POST that got no answer (or a gateway error) with the very same
 * request — and so the same Idempotency-Key — so a lost response never creates twice.
 */
const retryTransient = <T>() =>
  retry<T>({
    count: 2,
    delay: (err: unknown, attempt: number) => (isTransientFailure(err) ? timer(400 * attempt) : throwError(() => err)),
  });

/** Typed access to the Shotmatrix HTTP API (same origin, under /api). */
@Injectable({ providedIn: 'root' })
export class ShotmatrixApi {
  private readonly http = inject(HttpClient);

  listCampaigns(): Observable<CampaignSummaryView[]> {
    return this.http.get<CampaignSummaryView[]>(`${API}/campaigns`);
  }

  /** `idempotencyKey`: one per user action (see newIdempotencyKey). */
  createCampaign(name: string, idempotencyKey: string): Observable<CampaignView> {
    return this.http
      .post<CampaignView>(`${API}/campaigns`, { name }, { headers: { 'Idempotency-Key': idempotencyKey } })
      .pipe(retryTransient());
  }

  /** A whole campaign from a YAML or JSON file (201 → the new campaign). */
  importCampaign(text: string, type: CampaignFileType, idempotencyKey: string): Observable<CampaignView> {
    return this.http
      .post<CampaignView>(`${API}/campaigns/import`, text, {
        headers: { 'Content-Type': type, 'Idempotency-Key': idempotencyKey },
      })
      .pipe(retryTransient());
  }

  getCampaign(id: string): Observable<CampaignView> {
    return this.http.get<CampaignView>(campaignUrl(id));
  }

  /** Where the browser downloads the campaign as a file. */
  campaignFileUrl(id: string, format: CampaignFileFormat): string {
    return `${campaignUrl(id)}/file?format=${format}`;
  }

  /** Replaces the campaign's matrix from a file; refused with 409 if `version` is not the latest. */
  replaceCampaignFile(id: string, version: number, text: string, type: CampaignFileType): Observable<CampaignView> {
    return this.http.put<CampaignView>(`${campaignUrl(id)}/file`, text, {
      headers: { 'Content-Type': type, 'If-Match': ifMatch(version) },
    });
  }

  /** Merges a market copy deck (CSV) into the matrix; refused with 409 if `version` is not the latest. */
  importCopyDeck(id: string, version: number, csv: string, idempotencyKey: string): Observable<CampaignView> {
    return this.http
      .post<CampaignView>(`${campaignUrl(id)}/copy-deck`, csv, {
        headers: { 'Content-Type': 'text/csv', 'If-Match': ifMatch(version), 'Idempotency-Key': idempotencyKey },
      })
      .pipe(retryTransient());
  }

  uploadMaster(campaignId: string, file: File, idempotencyKey: string): Observable<UploadProgress<CampaignView>> {
    return this.upload<CampaignView>(`${campaignUrl(campaignId)}/master`, file, idempotencyKey);
  }

  uploadPlate(campaignId: string, file: File, idempotencyKey: string): Observable<UploadProgress<PlateView>> {
    return this.upload<PlateView>(`${campaignUrl(campaignId)}/plates`, file, idempotencyKey);
  }

  /** Refused with 409 if `version` is not the latest: the producer decides, nothing is overwritten. */
  saveMatrix(campaignId: string, version: number, matrix: MatrixBody): Observable<CampaignView> {
    return this.http.put<CampaignView>(`${campaignUrl(campaignId)}/matrix`, matrix, {
      headers: { 'If-Match': ifMatch(version) },
    });
  }

  expand(campaignId: string, idempotencyKey: string): Observable<ExpandResponse> {
    return this.http
      .post<ExpandResponse>(`${campaignUrl(campaignId)}/expand`, {}, { headers: { 'Idempotency-Key': idempotencyKey } })
      .pipe(retryTransient());
  }

  getVariant(id: string): Observable<VariantView> {
    return this.http.get<VariantView>(`${API}/variants/${encodeURIComponent(id)}`);
  }

  /** 409 DECISION_CONFLICT when `basedOn` is no longer the latest decision; 403 outside the reviewer's markets. */
  decideVariant(id: string, body: DecisionRequest, idempotencyKey: string): Observable<VariantView> {
    return this.http
      .post<VariantView>(`${API}/variants/${encodeURIComponent(id)}/decision`, body, { headers: { 'Idempotency-Key': idempotencyKey } })
      .pipe(retryTransient());
  }

  /** All or nothing: a cell outside the reviewer's markets (403) or decided meanwhile (409) approves none. */
  approveMany(campaignId: string, variants: Array<{ id: string; basedOn: string | null }>, idempotencyKey: string): Observable<{ decided: number; variants: VariantView[] }> {
    return this.http
      .post<{ decided: number; variants: VariantView[] }>(
        `${API}/campaigns/${encodeURIComponent(campaignId)}/decisions`,
        { decision: 'approved', variants },
        { headers: { 'Idempotency-Key': idempotencyKey } },
      )
      .pipe(retryTransient());
  }

  getComments(variantId: string): Observable<CommentThreadView[]> {
    return this.http.get<CommentThreadView[]>(`${API}/variants/${encodeURIComponent(variantId)}/comments`);
  }

  addComment(variantId: string, body: CommentRequest, idempotencyKey: string): Observable<CommentView> {
    return this.http
      .post<CommentView>(`${API}/variants/${encodeURIComponent(variantId)}/comments`, body, { headers: { 'Idempotency-Key': idempotencyKey } })
      .pipe(retryTransient());
  }

  setCommentResolved(commentId: string, resolved: boolean): Observable<CommentView> {
    return this.http.post<CommentView>(`${API}/comments/${encodeURIComponent(commentId)}/${resolved ? 'resolve' : 'reopen'}`, {});
  }

  getVersions(variantId: string): Observable<VariantVersionView[]> {
    return this.http.get<VariantVersionView[]>(`${API}/variants/${encodeURIComponent(variantId)}/versions`);
  }

  getMaster(campaignId: string): Observable<MasterShotView> {
    return this.http.get<MasterShotView>(`${campaignUrl(campaignId)}/master`);
  }

  getKeyframes(campaignId: string): Observable<KeyframesView> {
    return this.http.get<KeyframesView>(`${campaignUrl(campaignId)}/master/keyframes`);
  }

  /** Replaces the whole list; refused with 409 if `version` is not the latest keyframes version. */
  saveKeyframes(campaignId: string, version: number, keyframes: Keyframe[]): Observable<KeyframesSaved> {
    return this.http.put<KeyframesSaved>(
      `${campaignUrl(campaignId)}/master/keyframes`,
      { keyframes },
      { headers: { 'If-Match': ifMatch(version) } },
    );
  }

  /** Exactly frame `frame` of the master (JPEG) or of its matte (grey PNG), at most `width` pixels wide. */
  masterFrameUrl(campaignId: string, frame: number, layer: FrameLayer, width?: number): string {
    const query = new URLSearchParams({ layer });
    if (width !== undefined) query.set('width', String(width));
    return `${campaignUrl(campaignId)}/master/frames/${frame}?${query}`;
  }

  /** An analysis output the API links to (camera motion, plane tracks: JSON under /api/media). */
  getAnalysisJson<T>(url: string): Observable<T> {
    return this.http.get<T>(url);
  }

  eventsUrl(campaignId: string): string {
    return `${campaignUrl(campaignId)}/events`;
  }

  // Uploads carry a key like every POST but are not retried automatically:
  // resending a large file is the producer's call.
  private upload<T>(url: string, file: File, idempotencyKey: string): Observable<UploadProgress<T>> {
    const body = new FormData();
    body.append('file', file, file.name);
    const headers = new HttpHeaders({ 'Idempotency-Key': idempotencyKey });
    return this.http.post<T>(url, body, { headers, observe: 'events', reportProgress: true }).pipe(
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
