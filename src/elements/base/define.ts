/**
 * Registers `tag` unless something already did. Registering the same class twice is a no-op;
 * a different class under a taken tag is reported once on the console and left alone, because
 * throwing there would break the host page for a clash it cannot fix at runtime. Hosts that need
 * two versions side by side import the class and register it under their own tag.
 */
export function defineElement(tag: string, ctor: CustomElementConstructor, registry: CustomElementRegistry = customElements): void {
  const existing = registry.get(tag);
  if (!existing) {
    registry.define(tag, ctor);
    return;
  }
  if (existing !== ctor) {
    console.warn(`ehr-elements: <${tag}> is already registered by another class; keeping the first.`);
  }
}
