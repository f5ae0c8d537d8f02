/**
 * ehr-elements in Vue 3. `isCustomElement` tells Vue's compiler that `ehr-*` tags are not Vue
 * components; `.store`/`:patient.prop` set properties; `@ehr-sync-complete` listens to the event.
 */
import { computed, createApp, onBeforeUnmount, ref, shallowRef } from 'vue';
import { RecordStore } from 'ehr-elements';
import 'ehr-elements/record-provider';
import 'ehr-elements/patient-banner';
import 'ehr-elements/allergy-panel';
import type {} from 'ehr-elements/vue';

const params = new URLSearchParams(location.search);
const base = params.get('fhir') ?? 'http://127.0.0.1:8103/clinic/fhir';
const patients = (params.get('patients') ?? '').split(',').filter(Boolean);

const app = createApp({
  setup() {
    const store = shallowRef<RecordStore>();
    const index = ref(0);
    const syncs = ref(0);
    let cancelled = false;
    void (async () => {
      const opened = await RecordStore.open({ name: 'vue-example', linkIdentifierSystems: ['http://hl7.org/fhir/sid/us-ssn'] });
      await opened.addSource({ id: 'clinic', baseUrl: base, label: 'Riverside Clinic' });
      if (cancelled) opened.close();
      else store.value = opened;
    })();
    onBeforeUnmount(() => {
      cancelled = true;
      store.value?.close();
    });
    const patient = computed(() => (patients.length ? `clinic/Patient/${patients[index.value]}` : undefined));
    const next = () => (index.value = (index.value + 1) % Math.max(patients.length, 1));
    return { store, patient, syncs, next };
  },
  template: `
    <main>
      <h1>Vue 3 host</h1>
      <p>
        <button type="button" @click="next">Next patient</button>
        Syncs completed: <output id="syncs">{{ syncs }}</output>
      </p>
      <ehr-record-provider sync .store="store" :patient.prop="patient" @ehr-sync-complete="syncs++">
        <ehr-patient-banner></ehr-patient-banner>
        <ehr-allergy-panel></ehr-allergy-panel>
      </ehr-record-provider>
    </main>`,
});
app.config.compilerOptions.isCustomElement = (tag: string) => tag.startsWith('ehr-');
app.mount('#app');
