/**
 * ehr-elements in Angular (standalone component, zoneless, signals). `CUSTOM_ELEMENTS_SCHEMA`
 * lets the template use the `ehr-*` tags; `[store]`/`[patient]` set the elements' properties and
 * `(ehr-sync-complete)` listens to the event. Compiled just in time in the browser (the
 * `@angular/compiler` import) so the example builds with plain Vite; an Angular CLI project
 * compiles the same component ahead of time.
 */
import '@angular/compiler';
import { Component, CUSTOM_ELEMENTS_SCHEMA, computed, provideZonelessChangeDetection, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { RecordStore } from 'ehr-elements';
import 'ehr-elements/record-provider';
import 'ehr-elements/patient-banner';
import 'ehr-elements/allergy-panel';

const params = new URLSearchParams(location.search);
const base = params.get('fhir') ?? 'http://127.0.0.1:8103/clinic/fhir';
const patients = (params.get('patients') ?? '').split(',').filter(Boolean);

@Component({
  selector: 'ehr-example-app',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <main>
      <h1>Angular host</h1>
      <p>
        <button type="button" (click)="next()">Next patient</button>
        Syncs completed: <output id="syncs">{{ syncs() }}</output>
      </p>
      <ehr-record-provider sync [store]="store()" [patient]="patient()" (ehr-sync-complete)="syncs.set(syncs() + 1)">
        <ehr-patient-banner></ehr-patient-banner>
        <ehr-allergy-panel></ehr-allergy-panel>
      </ehr-record-provider>
    </main>
  `,
})
class ExampleApp {
  readonly store = signal<RecordStore | undefined>(undefined);
  readonly index = signal(0);
  readonly syncs = signal(0);
  readonly patient = computed(() => (patients.length ? `clinic/Patient/${patients[this.index()]}` : undefined));

  constructor() {
    void (async () => {
      const opened = await RecordStore.open({ name: 'angular-example', linkIdentifierSystems: ['http://hl7.org/fhir/sid/us-ssn'] });
      await opened.addSource({ id: 'clinic', baseUrl: base, label: 'Riverside Clinic' });
      this.store.set(opened);
    })();
  }

  next(): void {
    this.index.set((this.index() + 1) % Math.max(patients.length, 1));
  }
}

await bootstrapApplication(ExampleApp, { providers: [provideZonelessChangeDetection()] });
