import type { CanDeactivateFn } from '@angular/router';

/** A page that may hold unsaved edits. */
export interface LeavesSafely {
  /** True when the page may be left (nothing unsaved, or the producer chose to drop it). */
  canLeave(): boolean;
}

/**
 * Kept apart from the page so the route table can name it without pulling the
 * lazily loaded page into the main bundle.
 */
export const confirmUnsavedChanges: CanDeactivateFn<LeavesSafely> = (page) => page?.canLeave?.() ?? true;
