import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Resource } from 'fhir/r4';
import type { HostFilter, HostFilterError, HostFilterResult, HostKey } from '../../fhir/host-filter.js';
import { renderCallout } from './callout.js';
import type { Localize } from './localize/localize.js';

/**
 * A list element's `filter` attribute: compiles the FHIRPath expression when it changes (loading
 * fhirpath only then, see `src/fhir/host-filter.ts`) and filters rows with it. `state` is `off`
 * (no filter: rows pass untouched, nothing is loaded), `loading`, `ready` or `error`.
 */
export class HostFilterController implements ReactiveController {
  state: 'off' | 'loading' | 'ready' | 'error' = 'off';
  error?: HostFilterError;
  private filter?: HostFilter;
  private expression?: string;
  private generation = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly expressionOf: () => string | undefined,
    protected readonly attribute = 'filter',
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const next = this.expressionOf()?.trim() || undefined;
    if (next === this.expression) return;
    this.expression = next;
    const generation = ++this.generation;
    this.filter = undefined;
    this.error = undefined;
    if (next === undefined) {
      this.state = 'off';
      return;
    }
    this.state = 'loading';
    void this.compile(next)
      .then(
        (filter) => {
          if (generation !== this.generation) return;
          this.filter = filter as HostFilter;
          this.state = 'ready';
          this.host.requestUpdate();
        },
        (error: unknown) => {
          if (generation !== this.generation) return;
          this.error = error as HostFilterError;
          this.state = 'error';
          this.host.requestUpdate();
        },
      );
  }

  /** Loads fhirpath and compiles (overridden by {@link HostKeyController}). */
  protected compile(expression: string): Promise<unknown> {
    return import('../../fhir/host-filter.js').then(({ compileHostFilter }) => compileHostFilter(expression, this.attribute));
  }

  /** The rows to show: all of them with no filter, else those the filter keeps (with counts). */
  apply<T>(rows: readonly T[], resourceOf: (row: T) => Resource): HostFilterResult<T> | undefined {
    return this.filter ? this.filter.apply(rows, resourceOf) : undefined;
  }
}

/**
 * A `group-by` attribute: a FHIRPath expression giving each resource a group key (see
 * `compileHostKey`). Same states as {@link HostFilterController}; `key` is set when ready.
 */
export class HostKeyController extends HostFilterController {
  key?: HostKey;

  protected override compile(expression: string): Promise<unknown> {
    return import('../../fhir/host-filter.js')
      .then(({ compileHostKey }) => compileHostKey(expression, this.attribute))
      .then((key) => {
        this.key = key;
        const passAll: HostFilter = { expression, test: () => true, apply: (items) => ({ kept: [...items], total: items.length, failed: 0 }) };
        return passAll;
      });
  }

  override hostUpdate(): void {
    const before = this.state;
    super.hostUpdate();
    if (this.state !== before && this.state !== 'ready') this.key = undefined;
  }
}

/**
 * "Filtered by the host: 3 of 10 shown" (an info callout, `part="info host-filter"`), with the
 * records the expression could not be checked on, which are shown. Never silent: said whenever
 * a filter is set, even when it hides nothing.
 */
export function renderHostFilterNote(localize: Localize, result: HostFilterResult<unknown> | undefined): TemplateResult | typeof nothing {
  if (!result) return nothing;
  return renderCallout(
    'info',
    html`<p>
      ${localize.term('hostFilterShown', localize.number(result.kept.length), localize.number(result.total))}${result.failed
        ? html` ${localize.term('hostFilterFailed', result.failed)}`
        : nothing}
    </p>`,
    { part: 'host-filter', about: 'host-filter' },
  );
}
