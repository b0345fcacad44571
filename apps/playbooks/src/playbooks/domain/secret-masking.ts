import type { PlaybookDefinition, Step } from './playbook-definition';

const MASK = '••••';

/** How a webhook secret is shown: never in full, only its last four characters. */
export function maskSecret(secret: string): string {
  return `${MASK}${secret.slice(-4)}`;
}

/** The definition with every webhook secret masked, for API answers. */
export function maskDefinition(definition: PlaybookDefinition): PlaybookDefinition {
  return {
    ...definition,
    steps: definition.steps.map((s) =>
      s.type === 'webhook' ? { ...s, secrets: s.secrets.map(maskSecret) } : s,
    ),
  };
}

/**
 * Puts back the secrets a client sent masked (as it read them) from the current version's step
 * of the same id, so a definition read, edited and sent back keeps its secrets. A masked value
 * that matches no current secret stays as sent (and fails validation as too short).
 */
export function unmaskSecrets(input: unknown, current: PlaybookDefinition): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const steps = (input as { steps?: unknown }).steps;
  if (!Array.isArray(steps)) return input;
  const known = new Map<string, readonly string[]>();
  for (const s of current.steps as readonly Step[]) if (s.type === 'webhook') known.set(s.id, s.secrets);
  return {
    ...input,
    steps: steps.map((step: unknown) => {
      if (step === null || typeof step !== 'object') return step;
      const { id, secrets } = step as { id?: unknown; secrets?: unknown };
      if (typeof id !== 'string' || !Array.isArray(secrets)) return step;
      const mine = known.get(id) ?? [];
      return {
        ...step,
        secrets: secrets.map((s: unknown) =>
          typeof s === 'string' && s.startsWith(MASK) ? (mine.find((m) => maskSecret(m) === s) ?? s) : s,
        ),
      };
    }),
  };
}
