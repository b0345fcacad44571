import { MASKED, UrlMasking, maskUrl, unmaskUrl } from '@tsuzuku/contracts';
import type { PlaybookDefinition, Step } from './playbook-definition';

/** How a webhook secret is shown: never in full, only its last four characters. */
export function maskSecret(secret: string): string {
  return `${MASKED}${secret.slice(-4)}`;
}

/** Notify URLs are Slack-compatible incoming webhooks: their path is the credential. */
function urlMasking(type: unknown): UrlMasking {
  return { hidePath: type === 'notify' };
}

/**
 * The definition as API answers and dry runs show it: webhook secrets masked, and webhook and
 * notify URLs masked (user info, query values; a notify URL's path too).
 */
export function maskDefinition(definition: PlaybookDefinition): PlaybookDefinition {
  return {
    ...definition,
    steps: definition.steps.map((s) => {
      if (s.type === 'webhook') return { ...s, url: maskUrl(s.url), secrets: s.secrets.map(maskSecret) };
      if (s.type === 'notify') return { ...s, url: maskUrl(s.url, urlMasking(s.type)) };
      return s;
    }),
  };
}

/**
 * Puts back the secrets and URLs a client sent masked (as it read them) from the current
 * version's step of the same id and type, so a definition read, edited and sent back keeps
 * them. A masked secret that matches no current secret stays as sent (and fails validation as
 * too short); so does a masked URL that is not the current one's mask (it fails the URL check).
 */
export function unmaskDefinition(input: unknown, current: PlaybookDefinition): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const steps = (input as { steps?: unknown }).steps;
  if (!Array.isArray(steps)) return input;
  const known = new Map<string, Step>();
  for (const s of current.steps) known.set(s.id, s);
  return {
    ...input,
    steps: steps.map((step: unknown) => {
      if (step === null || typeof step !== 'object') return step;
      const { id, type, secrets, url } = step as {
        id?: unknown;
        type?: unknown;
        secrets?: unknown;
        url?: unknown;
      };
      const mine = typeof id === 'string' ? known.get(id) : undefined;
      if (!mine || mine.type !== type || (mine.type !== 'webhook' && mine.type !== 'notify')) return step;
      const restored: Record<string, unknown> = { ...step };
      if ('url' in step) restored['url'] = unmaskUrl(url, mine.url, urlMasking(type));
      if (mine.type === 'webhook' && Array.isArray(secrets))
        restored['secrets'] = secrets.map((s: unknown) =>
          typeof s === 'string' && s.startsWith(MASKED)
            ? (mine.secrets.find((m) => maskSecret(m) === s) ?? s)
            : s,
        );
      return restored;
    }),
  };
}
