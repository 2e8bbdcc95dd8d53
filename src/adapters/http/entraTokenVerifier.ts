import { KeyObject, createPublicKey, verify as verifySignature } from 'node:crypto';
import { Clock, Logger } from '../../application/ports';
import { DoormanError } from '../../domain/errors';

/** Who a verified Teams SSO token names: the Entra object id, tenant and display name (for display only). */
export interface EntraUser {
  oid: string;
  tid: string;
  name: string | null;
  /** The client application the token was issued to (`azp` in v2.0, `appid` in v1.0 tokens). */
  appId: string | null;
}

/** Fetches a JSON Web Key Set; injected so tests run without network. */
export type JwksFetcher = (url: string) => Promise<unknown>;

/** What the verifier checks tokens against. */
export interface EntraTokenVerifierOptions {
  /** `https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys` (or `common`). */
  jwksUrl: string;
  /** Accepted `aud` values: the tab's client id (v2.0 tokens) and its Application ID URI (v1.0 tokens). */
  audiences: readonly string[];
  /** Tenants whose users may use the tab; empty refuses everyone. */
  allowedTenantIds: readonly string[];
  clock: Clock;
  logger?: Logger;
  fetchJwks?: JwksFetcher;
  /**
   * What the token must grant: a delegated scope (the tab: `access_as_user`, the default) or an application role
   * (the REST API's app-only tokens, `roles` claim).
   */
  requirement?: { scope: string } | { appRole: string };
}

const LEEWAY_SECONDS = 5 * 60;
const MIN_REFETCH_MS = 60_000;
// Entra rolls its signing keys without notice; a day-old key set is refreshed even when every kid still matches.
const MAX_KEY_SET_AGE_MS = 24 * 60 * 60_000;
const MAX_TOKEN_LENGTH = 16 * 1024;
const MAX_KEYS = 100;
const FETCH_TIMEOUT_MS = 5_000;
/** The scope the tab's app registration exposes and Teams asks for (Teams tab SSO set-up). */
const TAB_SCOPE = 'access_as_user';
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Verifies the Microsoft Entra access token Teams hands the tab (`authentication.getAuthToken()`), with node:crypto
 * only: RS256 signature against Entra's published keys, audience, issuer, tenant, lifetime, and the delegated scope.
 *
 * What is checked, and where it is documented (Microsoft Learn):
 * - Teams tab SSO: the token's `aud` is the tab's app registration, `scp` is `access_as_user`, `oid` / `tid` / `name`
 *   identify the user — https://learn.microsoft.com/microsoftteams/platform/tabs/how-to/authentication/tab-sso-code
 *   and the App ID URI `api://<domain>/<client id>` —
 *   https://learn.microsoft.com/microsoftteams/platform/tabs/how-to/authentication/tab-sso-register-aad
 * - Claims: `aud` is the client id in v2.0 tokens and the client id or the App ID URI in v1.0 tokens; `iss` ends in
 *   `/v2.0` for v2.0 tokens (`https://login.microsoftonline.com/<tid>/v2.0`), v1.0 tokens come from
 *   `https://sts.windows.net/<tid>/`; `nbf` / `exp` are Unix seconds —
 *   https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 * - Keys roll over periodically and in emergencies at once, so an unknown `kid` means "fetch the key set again" —
 *   https://learn.microsoft.com/entra/identity-platform/signing-key-rollover
 *
 * Every failure is `AUTH.NOT_PERMITTED`; the reason goes into the error detail and the debug log, the token never.
 */
export class EntraTokenVerifier {
  private keys = new Map<string, KeyObject>();
  private fetchedAt: number | null = null;
  private attemptedAt: number | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly audiences: ReadonlySet<string>;
  private readonly tenants: ReadonlySet<string>;
  private readonly fetchJwks: JwksFetcher;

  constructor(private readonly options: EntraTokenVerifierOptions) {
    this.audiences = new Set(options.audiences.filter((audience) => audience.trim() !== ''));
    this.tenants = new Set(options.allowedTenantIds.filter((tenant) => tenant.trim() !== ''));
    this.fetchJwks = options.fetchJwks ?? fetchJwksOverHttps;
  }

  /** Verifies `token` and returns who it names; throws DoormanError('AUTH.NOT_PERMITTED') for anything wrong. */
  async verify(token: string): Promise<EntraUser> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) this.refuse('malformed');
    const [headerPart, payloadPart, signaturePart] = token.split('.');
    const header = decodeJson(headerPart) ?? this.refuse('malformed header');
    const payload = decodeJson(payloadPart) ?? this.refuse('malformed payload');
    // Only RS256: never `none`, never an HMAC that would turn the public key into a shared secret.
    if (header.alg !== 'RS256') this.refuse('algorithm');
    if (header.crit !== undefined) this.refuse('critical header');
    if (typeof header.kid !== 'string' || header.kid === '') this.refuse('no key id');

    const key = await this.keyFor(header.kid as string);
    const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
    if (!signatureMatches(signed, key, signaturePart)) this.refuse('signature');

    const now = this.options.clock.now().getTime() / 1000;
    if (typeof payload.exp !== 'number' || now > payload.exp + LEEWAY_SECONDS) this.refuse('expired');
    if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || now < payload.nbf - LEEWAY_SECONDS)) this.refuse('not yet valid');
    if (typeof payload.aud !== 'string' || !this.audiences.has(payload.aud)) this.refuse('audience');
    const tid = payload.tid;
    if (typeof tid !== 'string' || !this.tenants.has(tid)) this.refuse('tenant');
    const issuers = [`https://login.microsoftonline.com/${tid}/v2.0`, `https://sts.windows.net/${tid}/`];
    if (typeof payload.iss !== 'string' || !issuers.includes(payload.iss)) this.refuse('issuer');
    // Delegated tokens (a person) carry `scp`; app-only tokens carry `roles` and never a scope.
    const requirement = this.options.requirement ?? { scope: TAB_SCOPE };
    if ('scope' in requirement) {
      const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
      if (!scopes.includes(requirement.scope)) this.refuse('scope');
    } else {
      const roles = Array.isArray(payload.roles) ? payload.roles : [];
      if (payload.scp !== undefined || !roles.includes(requirement.appRole)) this.refuse('application role');
    }
    if (typeof payload.oid !== 'string' || payload.oid === '') this.refuse('no object id');
    const appId = typeof payload.azp === 'string' ? payload.azp : typeof payload.appid === 'string' ? payload.appid : null;
    return { oid: payload.oid as string, tid, name: typeof payload.name === 'string' ? payload.name : null, appId };
  }

  /** The key for `kid`: from the cached set, else after a refetch (at most one a minute). */
  private async keyFor(kid: string): Promise<KeyObject> {
    const now = this.options.clock.now().getTime();
    const stale = this.fetchedAt === null || now - this.fetchedAt >= MAX_KEY_SET_AGE_MS;
    const mayFetch = this.attemptedAt === null || now - this.attemptedAt >= MIN_REFETCH_MS;
    if ((stale || !this.keys.has(kid)) && (mayFetch || this.inFlight)) await this.refresh();
    return this.keys.get(kid) ?? this.refuse('unknown key');
  }

  private refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.attemptedAt = this.options.clock.now().getTime();
    this.inFlight = this.fetchJwks(this.options.jwksUrl)
      .then((body) => {
        const keys = parseKeySet(body);
        if (keys.size === 0) throw new Error('no usable RSA signing keys');
        this.keys = keys;
        this.fetchedAt = this.options.clock.now().getTime();
      })
      .catch((error: unknown) => {
        // The keys we had stay in use: a flaky key endpoint must not sign everyone out.
        this.options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'Entra signing keys could not be fetched');
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  private refuse(reason: string): never {
    this.options.logger?.debug({ reason }, 'tab token refused');
    throw new DoormanError('AUTH.NOT_PERMITTED', `token refused: ${reason}`);
  }
}

function signatureMatches(signed: Buffer, key: KeyObject, signaturePart: string): boolean {
  try {
    return verifySignature('sha256', signed, key, Buffer.from(signaturePart, 'base64url'));
  } catch {
    return false;
  }
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The RSA signing keys of a JWKS document by `kid`; anything else in it is ignored. */
export function parseKeySet(body: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const list = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) return keys;
  for (const jwk of list.slice(0, MAX_KEYS)) {
    if (typeof jwk !== 'object' || jwk === null) continue;
    const { kty, kid, n, e, use } = jwk as Record<string, unknown>;
    if (kty !== 'RSA' || typeof kid !== 'string' || typeof n !== 'string' || typeof e !== 'string') continue;
    if (use !== undefined && use !== 'sig') continue;
    try {
      const key = createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' });
      // Entra signs with 2048-bit RSA keys; a shorter modulus is a broken or hostile entry.
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) keys.set(kid, key);
    } catch {
      // a malformed key is skipped; the others still verify
    }
  }
  return keys;
}

async function fetchJwksOverHttps(url: string): Promise<unknown> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`JWKS endpoint answered ${response.status}`);
  return response.json();
}
