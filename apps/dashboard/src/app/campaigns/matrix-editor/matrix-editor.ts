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
import type { CampaignView, ExpandResponse, MatrixInput, PlateView } from '@shotmatrix/contracts';
import { Observable, concatMap, from, of, tap } from 'rxjs';
import { describeApiProblem, isVersionConflict } from '../../core/api-error';
import { ErrorBanner } from '../../core/error-banner';
import { campaignFileType, newIdempotencyKey } from '../../core/request-headers';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { eventFile, eventValue } from '../../shared/dom';
import { formatExpansion, previewPrice } from '../../shared/format';
import {
  BackgroundDraft,
  DraftSection,
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

type Busy = 'save' | 'expand' | 'copy-deck' | 'file' | 'reload';

const CONFLICT_RELOAD_CONFIRM = 'Someone else saved this campaign after you opened it. Reload the latest version and discard your unsaved changes?';

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
  readonly campaignName = input('campaign');
  /** The campaign version the matrix was loaded at; every edit sends it as If-Match. */
  readonly version = input.required<number>();
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
  protected readonly busy = signal<Busy | null>(null);
  /** The newest version this editor has seen: a save's answer counts before the page re-renders. */
  private readonly knownVersion = linkedSignal(() => this.version());
  /** What the last expansion, import or save did, in words (role="status"). */
  protected readonly status = signal<{ kind: 'expansion' | 'note'; text: string } | null>(null);

  /** Dimensions and rules only a campaign file edits; shown so nobody wonders where they went. */
  protected readonly fromFile = computed(() => {
    const rest = this.draft().rest;
    const dims = [
      ...(rest.aspects ? [{ name: 'aspects', size: rest.aspects.length }] : []),
      ...Object.entries(rest.dimensions ?? {}).map(([name, values]) => ({ name, size: values.length })),
    ];
    const count = (n: number, one: string) => (n ? [`${n} ${one}${n === 1 ? '' : 's'}`] : []);
    const parts = [
      ...dims.map((d) => `${d.name} (${d.size})`),
      ...count(rest.exclusions?.length ?? 0, 'exclusion'),
      ...count(rest.overrides?.length ?? 0, 'override'),
      ...(rest.defaults && Object.keys(rest.defaults).length ? ['campaign defaults'] : []),
    ];
    return { dims, note: parts.length ? `Kept as they are (edit them in the campaign file): ${parts.join(', ')}.` : null };
  });
  protected readonly fileBase = computed(
    () =>
      this.campaignName()
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'campaign',
  );
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
  protected readonly previewPrice = previewPrice;

  protected exportUrl(format: 'yaml' | 'json'): string {
    return this.api.campaignFileUrl(this.campaignId(), format);
  }

  /** An old text price ("1,99 €") that the number input cannot show. */
  protected unreadablePrice(m: MarketDraft): boolean {
    return m.price.trim() !== '' && !Number.isFinite(Number(m.price.trim()));
  }

  protected isKnownTemplate(template: string): boolean {
    return (LABEL_TEMPLATES as readonly string[]).includes(template);
  }

  protected add(section: DraftSection): void {
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

  protected remove(section: DraftSection, key: number): void {
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

  protected plateKind(plateId: string | null): PlateView['kind'] | null {
    return this.allPlates().find((p) => p.id === plateId)?.kind ?? null;
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
      .uploadPlate(this.campaignId(), file, newIdempotencyKey())
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
    this.run('save', this.saveIfNeeded(true), () => this.status.set(null));
  }

  /** Expanding renders what is on screen, so unsaved edits are saved first. */
  protected expand(): void {
    const campaignId = this.campaignId();
    // One key per click: a retried request is recognised by the API, a new click is a new expansion.
    const key = newIdempotencyKey();
    this.run(
      'expand',
      this.saveIfNeeded(false).pipe(
        tap((saved) => saved && this.accept(saved)),
        concatMap(() => this.api.expand(campaignId, key)),
      ),
      (answer) => {
        const expansion = (answer as ExpandResponse | null)?.expansion;
        this.status.set(expansion ? { kind: 'expansion', text: formatExpansion(expansion) } : null);
      },
    );
  }

  /** A market copy deck (CSV) merged by the API into the saved matrix. */
  protected importCopyDeck(event: Event): void {
    const file = eventFile(event);
    const inputEl = event.target as HTMLInputElement;
    inputEl.value = '';
    if (!file || this.busy()) return;
    if (this.dirty() && !confirm('Importing a copy deck reloads the matrix from the server. Discard your unsaved changes?')) return;
    const campaignId = this.campaignId();
    const version = this.knownVersion();
    const key = newIdempotencyKey();
    this.run(
      'copy-deck',
      from(file.text()).pipe(concatMap((csv) => this.api.importCopyDeck(campaignId, version, csv, key))),
      (campaign) => {
        if (campaign) this.draft.set(toDraft(campaign.matrix));
        this.status.set({ kind: 'note', text: `Copy deck “${file.name}” imported.` });
      },
    );
  }

  /** Replaces the whole matrix with a campaign file (YAML or JSON). */
  protected replaceFromFile(event: Event): void {
    const file = eventFile(event);
    const inputEl = event.target as HTMLInputElement;
    inputEl.value = '';
    if (!file || this.busy()) return;
    const type = campaignFileType(file.name);
    if (!type) {
      this.errors.showText(`“${file.name}” is not a campaign file: choose a .yaml, .yml or .json file.`);
      return;
    }
    if (!confirm(`Replace this campaign's matrix with “${file.name}”?${this.dirty() ? ' Your unsaved changes will be discarded.' : ''}`)) return;
    const campaignId = this.campaignId();
    const version = this.knownVersion();
    this.run(
      'file',
      from(file.text()).pipe(concatMap((text) => this.api.replaceCampaignFile(campaignId, version, text, type))),
      (campaign) => {
        if (campaign) this.draft.set(toDraft(campaign.matrix));
        this.status.set({ kind: 'note', text: `Matrix replaced from “${file.name}”.` });
      },
    );
  }

  /** After a version conflict: the latest campaign replaces the draft, once the producer agrees. */
  protected reload(): void {
    if (this.busy()) return;
    if (this.dirty() && !confirm(CONFLICT_RELOAD_CONFIRM)) return;
    this.run('reload', this.api.getCampaign(this.campaignId()), (campaign) => {
      if (campaign) this.draft.set(toDraft(campaign.matrix));
      this.status.set({ kind: 'note', text: 'Reloaded the latest version of the campaign.' });
    });
  }

  private saveIfNeeded(always: boolean): Observable<CampaignView | null> {
    if (!always && !this.dirty()) return of(null);
    return this.api.saveMatrix(this.campaignId(), this.knownVersion(), fromDraft(this.draft()));
  }

  private accept(campaign: CampaignView): void {
    this.knownVersion.set(campaign.version);
    this.campaignChanged.emit(campaign);
  }

  private run(kind: Busy, work: Observable<CampaignView | null>, done?: (last: CampaignView | null) => void): void {
    if (this.busy()) return;
    this.busy.set(kind);
    this.errors.clear();
    let last: CampaignView | null = null;
    work.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next: (campaign) => {
        last = campaign;
        if (campaign) this.accept(campaign);
      },
      error: (err: unknown) => {
        this.busy.set(null);
        this.showError(err);
      },
      complete: () => {
        this.busy.set(null);
        done?.(last);
      },
    });
  }

  /** A refused stale edit is never retried over someone else's work: the producer reloads. */
  private showError(err: unknown): void {
    if (isVersionConflict(describeApiProblem(err))) {
      this.errors.show(err, { label: 'Reload', run: () => this.reload() });
    } else {
      this.errors.show(err);
    }
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
