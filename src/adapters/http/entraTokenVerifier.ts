import { createPublicKey } from 'node:crypto';
import { FlattenedJWSInput, JSONWebKeySet, JWK, JWSHeaderParameters, JWTPayload, createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
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

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

/**
 * Verifies the Microsoft Entra access tokens Teams hands the tab (`authentication.getAuthToken()`) and systems
 * present to the REST API. `jose` does the JOSE work — RS256 only, the signature against Entra's published keys,
 * `aud`, `iss`, `exp` / `nbf` with five minutes of skew, judged by the injected clock; Doorman keeps its own rules:
 * the tenant allow-list, the issuer of *that* tenant, and the delegated scope or application role.
 *
 * The key set is fetched here rather than by jose's `createRemoteJWKSet`, whose cache runs on the wall clock: the
 * refetch rules (an unknown `kid` refetches at most once a minute, a day-old set is refreshed, a failed fetch keeps
 * the keys we had) are then testable with the fake clock.
 *
 * Documented at Microsoft Learn: tab SSO tokens (`aud` = the tab's app registration, `scp` = `access_as_user`) —
 * https://learn.microsoft.com/microsoftteams/platform/tabs/how-to/authentication/tab-sso-code ; claims (`iss` ends
 * in `/v2.0` for v2.0 tokens, v1.0 tokens come from `https://sts.windows.net/<tid>/`) —
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference ; key rollover (an unknown
 * `kid` means "fetch the key set again") — https://learn.microsoft.com/entra/identity-platform/signing-key-rollover
 *
 * Every failure is `AUTH.NOT_PERMITTED`; the reason goes into the error detail and the debug log, the token never.
 */
export class EntraTokenVerifier {
  private keys: KeyResolver | null = null;
  private knownKids = new Set<string>();
  private fetchedAt: number | null = null;
  private attemptedAt: number | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly audiences: string[];
  private readonly tenants: ReadonlySet<string>;
  private readonly fetchJwks: JwksFetcher;

  constructor(private readonly options: EntraTokenVerifierOptions) {
    this.audiences = options.audiences.filter((audience) => audience.trim() !== '');
    this.tenants = new Set(options.allowedTenantIds.filter((tenant) => tenant.trim() !== ''));
    this.fetchJwks = options.fetchJwks ?? fetchJwksOverHttps;
  }

  /** Verifies `token` and returns who it names; throws DoormanError('AUTH.NOT_PERMITTED') for anything wrong. */
  async verify(token: string): Promise<EntraUser> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) this.refuse('malformed');
    // Decoding first (no key needed) refuses garbage without ever fetching keys.
    let header;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      return this.refuse('malformed');
    }
    if (header.alg !== 'RS256') this.refuse('algorithm');
    if (header.crit !== undefined) this.refuse('critical header');
    if (typeof header.kid !== 'string' || header.kid === '') this.refuse('no key id');
    const tid = unverified.tid;
    if (typeof tid !== 'string' || !this.tenants.has(tid)) this.refuse('tenant');

    const payload = await this.verified(token, tid);
    // Entra access tokens name one audience; a list is someone else's token format.
    if (typeof payload.aud !== 'string') this.refuse('audience');
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

  /** jose's verification: RS256 signature by a published key, audience, the tenant's issuer, lifetime. */
  private async verified(token: string, tid: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, (header, jws) => this.keyFor(header, jws), {
        algorithms: ['RS256'],
        audience: this.audiences,
        issuer: [`https://login.microsoftonline.com/${tid}/v2.0`, `https://sts.windows.net/${tid}/`],
        requiredClaims: ['exp'],
        clockTolerance: LEEWAY_SECONDS,
        currentDate: this.options.clock.now(),
      });
      return payload;
    } catch (error) {
      if (error instanceof DoormanError) throw error;
      return this.refuse(reasonFor(error));
    }
  }

  /** The key for the token's `kid`: from the cached set, else after a refetch (at most one a minute). */
  private async keyFor(header: JWSHeaderParameters, jws: FlattenedJWSInput) {
    const kid = header.kid ?? '';
    const now = this.options.clock.now().getTime();
    const stale = this.fetchedAt === null || now - this.fetchedAt >= MAX_KEY_SET_AGE_MS;
    const mayFetch = this.attemptedAt === null || now - this.attemptedAt >= MIN_REFETCH_MS;
    if ((stale || !this.knows(kid)) && (mayFetch || this.inFlight)) await this.refresh();
    if (!this.keys || !this.knows(kid)) return this.refuse('unknown key');
    return this.keys(header, jws);
  }

  private knows(kid: string): boolean {
    return this.knownKids.has(kid);
  }

  private refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.attemptedAt = this.options.clock.now().getTime();
    this.inFlight = this.fetchJwks(this.options.jwksUrl)
      .then((body) => {
        const keys = parseKeySet(body);
        if (keys.size === 0) throw new Error('no usable RSA signing keys');
        this.keys = createLocalJWKSet({ keys: [...keys.values()] } as JSONWebKeySet);
        this.knownKids = new Set(keys.keys());
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

/** Names jose's refusal in Doorman's words (the debug log and the error detail). */
function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    const byClaim: Record<string, string> = { exp: 'expired', nbf: 'not yet valid', aud: 'audience', iss: 'issuer' };
    return byClaim[error.claim] ?? `claim ${error.claim}`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'unknown key';
  return 'malformed';
}

/** The RSA signing keys (2048 bits or more) of a JWKS document by `kid`; anything else in it is ignored. */
export function parseKeySet(body: unknown): Map<string, JWK> {
  const keys = new Map<string, JWK>();
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
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) keys.set(kid, { kty: 'RSA', kid, n, e, use: 'sig', alg: 'RS256' });
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
