/**
 * ehr-elements in React 19. React 19 passes a prop to a custom element as a property when the
 * element has one (`store`, `patient`), and `onehr-sync-complete` subscribes to that event.
 */
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { RecordStore } from 'ehr-elements';
import 'ehr-elements/record-provider';
import 'ehr-elements/patient-banner';
import 'ehr-elements/allergy-panel';
import type { CustomElements } from 'ehr-elements/jsx';

// The kit's tags, typed from custom-elements.json.
declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface IntrinsicElements extends CustomElements {}
  }
}

const params = new URLSearchParams(location.search);
const base = params.get('fhir') ?? 'http://127.0.0.1:8103/clinic/fhir';
const patients = (params.get('patients') ?? '').split(',').filter(Boolean);

function App() {
  const [store, setStore] = useState<RecordStore>();
  const [index, setIndex] = useState(0);
  const [syncs, setSyncs] = useState(0);

  useEffect(() => {
    let opened: RecordStore | undefined;
    let cancelled = false;
    void (async () => {
      opened = await RecordStore.open({ name: 'react-example', linkIdentifierSystems: ['http://hl7.org/fhir/sid/us-ssn'] });
      await opened.addSource({ id: 'clinic', baseUrl: base, label: 'Riverside Clinic' });
      if (!cancelled) setStore(opened);
    })();
    return () => {
      cancelled = true;
      opened?.close();
    };
  }, []);

  const patient = patients.length ? `clinic/Patient/${patients[index]}` : undefined;
  return (
    <main>
      <h1>React 19 host</h1>
      <p>
        <button type="button" onClick={() => setIndex((i) => (i + 1) % Math.max(patients.length, 1))}>
          Next patient
        </button>{' '}
        Syncs completed: <output id="syncs">{syncs}</output>
      </p>
      <ehr-record-provider sync store={store} patient={patient} onehr-sync-complete={() => setSyncs((n) => n + 1)}>
        <ehr-patient-banner></ehr-patient-banner>
        <ehr-allergy-panel></ehr-allergy-panel>
      </ehr-record-provider>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
