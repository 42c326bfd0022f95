import { Injectable, signal } from '@angular/core';
import { describeApiError } from './api-error';

/** The one visible error of the current page (rendered by the app shell as role="alert"). */
@Injectable({ providedIn: 'root' })
export class ErrorBanner {
  private readonly current = signal<string | null>(null);
  readonly message = this.current.asReadonly();

  show(err: unknown): void {
    this.current.set(describeApiError(err));
  }

  showText(message: string): void {
    this.current.set(message);
  }

  clear(): void {
    this.current.set(null);
  }
}
