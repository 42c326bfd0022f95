import { Injectable, signal } from '@angular/core';
import { type ApiProblem, describeApiProblem } from './api-error';

/** A button offered beside the error, e.g. "Reload" after a version conflict. */
export interface BannerAction {
  label: string;
  run: () => void;
}

export interface BannerState extends ApiProblem {
  action: BannerAction | null;
}

/** The one visible error of the current page (rendered by the app shell as role="alert"). */
@Injectable({ providedIn: 'root' })
export class ErrorBanner {
  private readonly current = signal<BannerState | null>(null);
  readonly state = this.current.asReadonly();

  show(err: unknown, action: BannerAction | null = null): void {
    this.current.set({ ...describeApiProblem(err), action });
  }

  showText(message: string): void {
    this.current.set({ message, problems: [], code: null, status: null, action: null });
  }

  clear(): void {
    this.current.set(null);
  }
}
