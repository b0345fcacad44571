import { AuthContext, CredentialStore } from '@tsuzuku/platform-auth';

/**
 * Who made a manual change: the API token's name, which AuthContext does not carry, so it is
 * read from the credential the guard has just accepted; its id when the token has no name.
 */
export function actorOf(
  credentials: CredentialStore,
  auth: AuthContext,
  authorization: string | undefined,
): string {
  const secret = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const credential = secret ? credentials.authenticate(secret, 'api_token') : undefined;
  const label = credential?.id === auth.credentialId ? credential.label.trim() : '';
  return label || auth.credentialId;
}
