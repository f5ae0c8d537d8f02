/**
 * "Who can see what": for a chosen organization, purpose of use and data class, the effective
 * decision of the patient's consents in force, and the provision that decides it.
 *
 * - A provision applies when each of its constraints is met: its actors name the organization,
 *   its purposes include the purpose, its classes, codes or security labels include the data
 *   class, its actions include seeing the data (`access`, `disclose`, `use`), its period covers
 *   now. An empty constraint is met by anything.
 * - The root provision is the consent's base rule: when it does not apply, the consent says
 *   nothing about the question. When it applies, the deepest applying exception decides.
 * - Across consents, a deny decides over a permit (the safer reading), and both are reported.
 * - Nothing applying is "not covered": the kit never reads silence as permission.
 */
import { inPeriod, type ConsentView, type ProvisionView } from './consent-view.js';
import { parseReference } from './references.js';

/** The question. */
export interface ConsentQuestion {
  /** The organization that would see the data, as a reference (`Organization/f001`). */
  actor: string;
  /** Purpose-of-use code (`TREAT`). */
  purpose: string;
  /** A resource type (`MedicationRequest`), a security label (`PSY`) or a data code. */
  dataClass: string;
}

/** The answer. */
export interface ConsentDecision {
  decision: 'permit' | 'deny' | 'not-covered';
  /** The consent and provision that decide it. */
  consentKey?: string;
  provision?: ProvisionView;
  /** Other consents in force that also speak to the question, with their own answer. */
  alsoApplies: { consentKey: string; decision: 'permit' | 'deny'; path: string }[];
}

const SEEING = new Set(['access', 'disclose', 'use']);

/** Same target: `Organization/f001`, its versioned form and an absolute URL ending in it are the same organization. */
function sameReference(a: string, b: string): boolean {
  const key = (s: string) => {
    const p = parseReference(s);
    return p && (p.kind === 'relative' || p.kind === 'absolute') ? `${p.type}/${p.id}` : s.trim();
  };
  return key(a) === key(b);
}

function applies(p: ProvisionView, q: ConsentQuestion, now: number): boolean {
  if (p.period && inPeriod(p.period, now) !== 'inside') return false;
  if (p.actors.length && !p.actors.some((a) => sameReference(a.reference, q.actor))) return false;
  if (p.purposes.length && !p.purposes.some((x) => x.code === q.purpose)) return false;
  const data = [...p.classes, ...p.codes, ...p.securityLabels];
  if (data.length && !data.includes(q.dataClass)) return false;
  if (p.actions.length && !p.actions.some((a) => SEEING.has(a))) return false;
  return true;
}

/** The deepest applying provision under (and including) `p`, assuming `p` applies. */
function deciding(p: ProvisionView, q: ConsentQuestion, now: number): ProvisionView {
  for (const child of p.children) if (applies(child, q, now)) return deciding(child, q, now);
  return p;
}

/** What one consent says about the question: its deciding provision, or nothing. */
export function consentAnswer(c: ConsentView, q: ConsentQuestion, now: number): ProvisionView | undefined {
  if (c.force !== 'in-force' || !c.root || !applies(c.root, q, now)) return undefined;
  const p = deciding(c.root, q, now);
  return p.type === 'unstated' ? undefined : p;
}

/** The effective decision of `consents` (only those in force count). */
export function decideConsent(consents: readonly ConsentView[], q: ConsentQuestion, now: number): ConsentDecision {
  const answers = consents
    .map((c) => ({ c, p: consentAnswer(c, q, now) }))
    .filter((x): x is { c: ConsentView; p: ProvisionView } => x.p !== undefined);
  const winner = answers.find((a) => a.p.type === 'deny') ?? answers[0];
  if (!winner) return { decision: 'not-covered', alsoApplies: [] };
  return {
    decision: winner.p.type as 'permit' | 'deny',
    consentKey: winner.c.key,
    provision: winner.p,
    alsoApplies: answers.filter((a) => a !== winner).map((a) => ({ consentKey: a.c.key, decision: a.p.type as 'permit' | 'deny', path: a.p.path })),
  };
}
