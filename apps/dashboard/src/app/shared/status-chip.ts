import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { VariantStatus } from '@shotmatrix/contracts';

const LABELS: Record<VariantStatus, string> = {
  queued: 'Queued',
  rendering: 'Rendering',
  done: 'Done',
  failed: 'Failed',
};

@Component({
  selector: 'app-status-chip',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="chip" [class]="'chip-' + status()" [attr.title]="error() ?? null">{{ label() }}</span>`,
  styles: `
    .chip {
      display: inline-flex;
      align-items: center;
      gap: 5px;
      padding: 1px 7px;
      border-radius: 999px;
      font-size: 11px;
      font-weight: 600;
      line-height: 18px;
      letter-spacing: 0.02em;
      text-transform: uppercase;
      white-space: nowrap;
      border: 1px solid transparent;
    }
    .chip::before {
      content: '';
      width: 6px;
      height: 6px;
      border-radius: 50%;
      background: currentColor;
    }
    .chip-queued { background: var(--queued-bg); color: var(--queued-text); border-color: var(--queued-border); }
    .chip-rendering { background: var(--rendering-bg); color: var(--rendering-text); border-color: var(--rendering-border); }
    .chip-rendering::before { animation: pulse 1.2s ease-in-out infinite; }
    .chip-done { background: var(--done-bg); color: var(--done-text); border-color: var(--done-border); }
    .chip-failed { background: var(--failed-bg); color: var(--failed-text); border-color: var(--failed-border); }
    @keyframes pulse { 50% { opacity: 0.3; } }
    @media (prefers-reduced-motion: reduce) { .chip-rendering::before { animation: none; } }
  `,
})
export class StatusChip {
  readonly status = input.required<VariantStatus>();
  readonly error = input<string | null>(null);

  protected label(): string {
    return LABELS[this.status()] ?? this.status();
  }
}
