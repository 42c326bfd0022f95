import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  input,
  linkedSignal,
  output,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { CampaignView, MatrixInput, PlateView } from '@shotmatrix/contracts';
import { Observable, concatMap, of } from 'rxjs';
import { ErrorBanner } from '../../core/error-banner';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { eventFile, eventValue } from '../../shared/dom';
import {
  BackgroundDraft,
  LABEL_TEMPLATES,
  LabelDraft,
  MarketDraft,
  MatrixDraft,
  emptyBackground,
  emptyLabel,
  emptyMarket,
  fromDraft,
  sameMatrix,
  toDraft,
} from './matrix-draft';

type Section = keyof MatrixDraft;

@Component({
  selector: 'app-matrix-editor',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './matrix-editor.html',
  styleUrl: './matrix-editor.css',
})
export class MatrixEditor {
  private readonly api = inject(ShotmatrixApi);
  private readonly errors = inject(ErrorBanner);
  private readonly destroyRef = inject(DestroyRef);

  readonly campaignId = input.required<string>();
  readonly matrix = input<MatrixInput | null>(null);
  readonly plates = input<PlateView[]>([]);
  readonly hasMaster = input(false);

  /** The API's answer after a save or an expansion. */
  readonly campaignChanged = output<CampaignView>();
  readonly plateUploaded = output<PlateView>();

  /** The saved matrix, deduplicated by content so a refreshed campaign does not reset the form. */
  private readonly saved = computed(() => this.matrix(), { equal: sameMatrix });
  protected readonly draft = linkedSignal<MatrixInput | null, MatrixDraft>({
    source: this.saved,
    computation: (matrix) => toDraft(matrix),
  });

  protected readonly dirty = computed(() => !sameMatrix(fromDraft(this.draft()), this.saved()));
  protected readonly busy = signal<'save' | 'expand' | null>(null);
  /** Background row key → upload progress (0..1) while its plate uploads. */
  protected readonly plateProgress = signal<ReadonlyMap<number, number>>(new Map());
  /** Plates uploaded in this session, until the campaign is reloaded with them. */
  private readonly uploadedPlates = signal<PlateView[]>([]);
  protected readonly allPlates = computed(() => {
    const known = new Map(this.plates().map((p) => [p.id, p]));
    for (const p of this.uploadedPlates()) if (!known.has(p.id)) known.set(p.id, p);
    return [...known.values()];
  });

  protected readonly templates = LABEL_TEMPLATES;
  protected readonly marketCodes = computed(() =>
    this.draft()
      .markets.map((m) => m.code.trim())
      .filter((code, i, all) => code && all.indexOf(code) === i),
  );
  protected readonly eventValue = eventValue;

  protected isKnownTemplate(template: string): boolean {
    return (LABEL_TEMPLATES as readonly string[]).includes(template);
  }

  protected add(section: Section): void {
    this.draft.update((d) => {
      switch (section) {
        case 'markets':
          return { ...d, markets: [...d.markets, emptyMarket()] };
        case 'labels':
          return { ...d, labels: [...d.labels, emptyLabel()] };
        case 'backgrounds':
          return { ...d, backgrounds: [...d.backgrounds, emptyBackground()] };
      }
    });
  }

  protected remove(section: Section, key: number): void {
    this.draft.update((d) => ({ ...d, [section]: d[section].filter((row) => row.key !== key) }));
  }

  protected setMarket<K extends keyof MarketDraft>(key: number, field: K, value: MarketDraft[K]): void {
    this.draft.update((d) => ({
      ...d,
      markets: d.markets.map((m) => (m.key === key ? { ...m, [field]: value } : m)),
    }));
  }

  protected setLabel<K extends keyof LabelDraft>(key: number, field: K, value: LabelDraft[K]): void {
    this.draft.update((d) => ({
      ...d,
      labels: d.labels.map((l) => (l.key === key ? { ...l, [field]: value } : l)),
    }));
  }

  protected toggleLabelMarket(label: LabelDraft, code: string, event: Event): void {
    const checked = (event.target as HTMLInputElement).checked;
    const markets = checked ? [...label.markets, code] : label.markets.filter((c) => c !== code);
    this.setLabel(label.key, 'markets', markets);
  }

  protected setBackground<K extends keyof BackgroundDraft>(key: number, field: K, value: BackgroundDraft[K]): void {
    this.draft.update((d) => ({
      ...d,
      backgrounds: d.backgrounds.map((b) => (b.key === key ? { ...b, [field]: value } : b)),
    }));
  }

  protected plateName(plateId: string | null): string {
    if (!plateId) return '';
    return this.allPlates().find((p) => p.id === plateId)?.filename ?? 'Uploaded plate';
  }

  protected plateUrl(plateId: string | null): string | null {
    return this.allPlates().find((p) => p.id === plateId)?.url ?? null;
  }

  protected uploadPlate(row: BackgroundDraft, event: Event): void {
    const file = eventFile(event);
    const inputEl = event.target as HTMLInputElement;
    if (!file) return;
    this.errors.clear();
    this.setPlateProgress(row.key, 0);
    this.api
      .uploadPlate(this.campaignId(), file)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (p) => {
          if (p.kind === 'progress') {
            this.setPlateProgress(row.key, p.fraction);
            return;
          }
          this.setPlateProgress(row.key, null);
          this.uploadedPlates.update((list) => [...list, p.body]);
          this.setBackground(row.key, 'plateId', p.body.id);
          this.plateUploaded.emit(p.body);
          inputEl.value = '';
        },
        error: (err: unknown) => {
          this.setPlateProgress(row.key, null);
          inputEl.value = '';
          this.errors.show(err);
        },
      });
  }

  protected save(): void {
    this.run('save', this.saveIfNeeded(true));
  }

  /** Expanding renders what is on screen, so unsaved edits are saved first. */
  protected expand(): void {
    const campaignId = this.campaignId();
    this.run(
      'expand',
      this.saveIfNeeded(false).pipe(concatMap(() => this.api.expand(campaignId))),
    );
  }

  private saveIfNeeded(always: boolean): Observable<CampaignView | null> {
    if (!always && !this.dirty()) return of(null);
    return this.api.saveMatrix(this.campaignId(), fromDraft(this.draft()));
  }

  private run(kind: 'save' | 'expand', work: Observable<CampaignView | null>): void {
    if (this.busy()) return;
    this.busy.set(kind);
    this.errors.clear();
    work.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next: (campaign) => {
        if (campaign) this.campaignChanged.emit(campaign);
      },
      error: (err: unknown) => {
        this.busy.set(null);
        this.errors.show(err);
      },
      complete: () => this.busy.set(null),
    });
  }

  private setPlateProgress(key: number, value: number | null): void {
    this.plateProgress.update((current) => {
      const next = new Map(current);
      if (value == null) next.delete(key);
      else next.set(key, value);
      return next;
    });
  }
}
