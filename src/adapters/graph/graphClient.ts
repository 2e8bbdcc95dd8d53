import {
  AuthenticationError,
  AuthenticationRequiredError,
  AzureAuthorityHosts,
  ClientCertificateCredential,
  ClientSecretCredential,
  CredentialUnavailableError,
  ManagedIdentityCredential,
  TokenCredential,
  TokenCredentialOptions,
} from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  Context,
  FetchOptions,
  Middleware,
  GraphClientError,
  GraphError,
  HTTPMessageHandler,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { RetryableError } from '../../application/ports';
import { DoormanError } from '../../domain/errors';
import type { GraphSettings } from '../../config';

/*
 * Sources relied on (Microsoft Learn / microsoft-graph-docs-contrib):
 * - "Microsoft Graph error responses and resource types" (https://learn.microsoft.com/graph/errors): bodies are
 *   `{ "error": { "code", "message", "innerError": { "request-id", "date" } } }`.
 * - "Microsoft Graph throttling guidance" (https://learn.microsoft.com/graph/throttling): 429 with a suggested wait
 *   in `Retry-After`; without the header, back off exponentially.
 * - "Configure application access to online meetings"
 *   (https://learn.microsoft.com/graph/cloud-communication-online-meeting-application-access-policy): a missing
 *   policy answers 403 (`Forbidden` / `Unauthorized`, "App … is not authorized to Create meeting on behalf of user").
 */

/** The Graph settings the Graph adapters read (main.ts passes config.graph, present when MEETINGS or MAIL is graph). */
export type GraphConfig = GraphSettings;

/** App-only tokens always ask for the resource's `.default` scope: the app roles granted with admin consent. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** What a Graph call was for; decides which permission or policy a 403 names. */
export type GraphOperation = 'onlineMeetings' | 'calendarEvents' | 'sendMail' | 'users' | 'groups' | 'groupMembers' | 'credential'
  | 'managedDevices' | 'deviceActions' | 'activityFeed' | 'teamsAppInstallation' | 'mailboxSettings';

/** What an admin must grant so that an operation works. */
export interface GraphRequirement {
  operation: GraphOperation;
  /** The application permission (app role, with admin consent); null when the credential itself is the problem. */
  permission: string | null;
  /** A second gate the platform puts in front of the permission, when there is one. */
  policy: 'teamsApplicationAccessPolicy' | 'exchangeMailboxScope' | null;
  /** One English sentence for logs, `doctor` and the admin; cards translate from `permission` and `policy`. */
  summary: string;
}

/** The permission and policy each operation needs; `subject` is the organizer or mailbox concerned. */
export function graphRequirement(operation: GraphOperation, subject?: string): GraphRequirement {
  const who = subject ? ` (${subject})` : '';
  switch (operation) {
    case 'onlineMeetings':
      return {
        operation,
        permission: 'OnlineMeetings.ReadWrite.All',
        policy: 'teamsApplicationAccessPolicy',
        summary:
          'Grant the application permission OnlineMeetings.ReadWrite.All with admin consent, and a Teams application ' +
          `access policy listing this app that covers the organizer${who} (New-CsApplicationAccessPolicy, then ` +
          'Grant-CsApplicationAccessPolicy -Identity <object id> or -Global); policy changes take up to 30 minutes.',
      };
    case 'calendarEvents':
      return {
        operation,
        permission: 'Calendars.ReadWrite',
        policy: 'exchangeMailboxScope',
        summary:
          'Grant the application permission Calendars.ReadWrite with admin consent; if Exchange limits this app to ' +
          `some mailboxes (RBAC for Applications or an application access policy), include the organizer${who}.`,
      };
    case 'sendMail':
      return {
        operation,
        permission: 'Mail.Send',
        policy: 'exchangeMailboxScope',
        summary:
          'Grant the application permission Mail.Send with admin consent; if Exchange limits this app to some ' +
          `mailboxes (RBAC for Applications or an application access policy), include the sender mailbox${who}.`,
      };
    case 'users':
      return {
        operation,
        permission: 'User.Read.All',
        policy: null,
        summary: `Grant the application permission User.Read.All with admin consent${who}.`,
      };
    case 'groupMembers':
      return {
        operation,
        permission: 'GroupMember.ReadWrite.All',
        policy: null,
        summary:
          `Grant the application permission GroupMember.ReadWrite.All with admin consent (lockbox access group)${who}; ` +
          'use an ordinary security group: a role-assignable group also needs RoleManagement.ReadWrite.Directory.',
      };
    case 'groups':
      return {
        operation,
        permission: 'GroupMember.Read.All',
        policy: null,
        summary: `Grant the application permission GroupMember.Read.All with admin consent${who}.`,
      };
    case 'managedDevices':
      return {
        operation,
        permission: 'DeviceManagementManagedDevices.Read.All',
        policy: null,
        summary:
          `Grant the application permission DeviceManagementManagedDevices.Read.All with admin consent${who}: it lists a ` +
          "user's Intune devices in the assist form and shows the status of Restart and Sync (the tenant needs an Intune licence).",
      };
    case 'deviceActions':
      return {
        operation,
        permission: 'DeviceManagementManagedDevices.PrivilegedOperations.All',
        policy: null,
        summary:
          `Grant the application permission DeviceManagementManagedDevices.PrivilegedOperations.All with admin consent${who}: ` +
          "it enables the Restart PC and Sync buttons on the helper's assist card.",
      };
    case 'activityFeed':
      return {
        operation,
        permission: 'TeamsActivity.Send',
        policy: null,
        summary:
          `Grant the application permission TeamsActivity.Send with admin consent (Teams activity-feed notifications${who}); ` +
          "the app manifest's webApplicationInfo.id must be this app's client id, and Doorman must be installed for the person.",
      };
    case 'teamsAppInstallation':
      return {
        operation,
        permission: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
        policy: null,
        summary:
          `Grant the application permission TeamsAppInstallation.ReadWriteSelfForUser.All with admin consent${who}, so ` +
          'that Doorman can install itself for people who never opened it and reach them in Teams; the app must be ' +
          'allowed by the Teams app permission policies.',
      };
    case 'mailboxSettings':
      return {
        operation,
        permission: 'MailboxSettings.Read',
        policy: 'exchangeMailboxScope',
        summary:
          'Grant the application permission MailboxSettings.Read with admin consent (people\'s time zones); if Exchange ' +
          `limits this app to some mailboxes, include the people Doorman serves${who}.`,
      };
    case 'credential':
      return {
        operation,
        permission: null,
        policy: null,
        summary:
          'Doorman could not get a token: check GRAPH_TENANT_ID, GRAPH_CLIENT_ID and the client secret or certificate ' +
          "(secrets expire); with a managed identity, GRAPH_CLIENT_ID is the identity's client id.",
      };
  }
}

/** GRAPH.FORBIDDEN with the permission or policy the admin must grant (`requirement`), never a token or body. */
export class GraphForbiddenError extends DoormanError {
  constructor(
    readonly requirement: GraphRequirement,
    readonly status: number,
    readonly graphCode: string | null,
  ) {
    super('GRAPH.FORBIDDEN', `${requirement.summary} [HTTP ${status}${graphCode ? ` ${graphCode}` : ''}]`);
    this.name = 'GraphForbiddenError';
  }
}

/** A throttled or unavailable Graph call: retry after `retryAfterMs` (Retry-After), or with backoff when null. */
export class GraphUnavailableError extends RetryableError {
  /** GRAPH.THROTTLED, for the card when the dispatcher finally gives up. */
  readonly code = 'GRAPH.THROTTLED' as const;

  constructor(
    readonly operation: GraphOperation,
    readonly status: number,
    retryAfterMs: number | null,
  ) {
    // A 429 is Graph asking Doorman to wait: rescheduled without spending an attempt (with Retry-After, or 2 s).
    super(`Graph ${operation} unavailable (HTTP ${status})`, status === 429 ? (retryAfterMs ?? 2000) : retryAfterMs, status === 429);
    this.name = 'GraphUnavailableError';
  }
}

/** Options a test double needs; production passes none. */
export interface GraphConnectionOptions {
  /** Extra credential options, for example `tlsOptions.ca` of a local double. */
  credentialOptions?: TokenCredentialOptions;
  /** Extra `fetch` options for Graph calls, for example an undici `dispatcher` that trusts a local double. */
  fetchOptions?: Record<string, unknown>;
  /** How long one Graph call may take (default 20 s). */
  callTimeoutMs?: number;
}

/** How long one Graph call may take before it is abandoned and retried from the outbox. */
export const GRAPH_CALL_TIMEOUT_MS = 20_000;

const KNOWN_AUTHORITY_HOSTS = new Set<string>(Object.values(AzureAuthorityHosts).map((host) => host.replace(/\/+$/, '')));

/** Builds the app-only credential the configuration names (client secret, certificate or managed identity). */
export function createGraphCredential(graph: GraphConfig, credentialOptions: TokenCredentialOptions = {}): TokenCredential {
  const authorityHost = graph.authorityHost?.replace(/\/+$/, '') ?? undefined;
  // MSAL asks login.microsoftonline.com/common/discovery/instance about any authority it does not know; for a
  // custom authority host (a local double, an isolated cloud) that call cannot succeed, so it is switched off there.
  const disableInstanceDiscovery = authorityHost !== undefined && !KNOWN_AUTHORITY_HOSTS.has(authorityHost);
  const options = { ...credentialOptions, ...(authorityHost ? { authorityHost } : {}), disableInstanceDiscovery };
  switch (graph.credential.kind) {
    case 'secret':
      return new ClientSecretCredential(graph.tenantId, graph.clientId, graph.credential.secret, options);
    case 'certificate':
      // A PEM file holding the private key and the certificate uploaded to the app registration.
      return new ClientCertificateCredential(
        graph.tenantId,
        graph.clientId,
        { certificatePath: graph.credential.path },
        options,
      );
    case 'managedIdentity':
      // A user-assigned identity: GRAPH_CLIENT_ID is its client id (also the AppId the access policies name).
      return new ManagedIdentityCredential({ ...credentialOptions, clientId: graph.clientId });
  }
}

/** A credential and the Graph client that uses it. */
export interface GraphConnection {
  client: Client;
  credential: TokenCredential;
}

/** Builds the credential and the Graph client from the configuration (baseUrl, authority host, credential). */
export function createGraphClient(graph: GraphConfig, options: GraphConnectionOptions = {}): GraphConnection {
  const credential = createGraphCredential(graph, options.credentialOptions);
  return { credential, client: buildGraphClient(graph.baseUrl, credential, options.fetchOptions, options.callTimeoutMs) };
}

/** Builds a Graph client on `baseUrl` (for example https://graph.microsoft.com/v1.0) that authenticates with `credential`. */
export function buildGraphClient(
  baseUrl: string,
  credential: TokenCredential,
  fetchOptions?: Record<string, unknown>,
  callTimeoutMs = GRAPH_CALL_TIMEOUT_MS,
): Client {
  const url = new URL(baseUrl);
  if (url.protocol !== 'https:') {
    // The SDK only attaches the token to https URLs, so plain http would fail every call with 401.
    throw new Error(`GRAPH_BASE_URL must use https: ${url.origin}`);
  }
  const segments = url.pathname.split('/').filter((segment) => segment.length > 0);
  const version = segments.pop() ?? 'v1.0';
  const root = `${url.origin}/${segments.map((segment) => `${segment}/`).join('')}`;
  const authentication = new AuthenticationHandler(
    new TokenCredentialAuthenticationProvider(new ReportingCredential(credential), { scopes: [GRAPH_SCOPE] }),
  );
  const telemetry = new TelemetryHandler();
  authentication.setNext(telemetry);
  // No RetryHandler: the SDK's default chain would sleep and retry 429/503 inside the call; Doorman's outbox
  // dispatcher owns retries (it honours Retry-After and never blocks a worker), so errors surface at once.
  const timeout = new TimeoutHandler(callTimeoutMs);
  telemetry.setNext(timeout);
  timeout.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({
    middleware: authentication,
    baseUrl: root,
    defaultVersion: version,
    // Graph hosts get the token automatically; any other https host (a double, a proxy) must be named.
    customHosts: GRAPH_HOSTS.has(url.hostname) ? undefined : new Set([url.hostname]),
    fetchOptions: fetchOptions as FetchOptions | undefined,
  });
}

/**
 * Gives every Graph request an abort signal that fires after `timeoutMs`: an endpoint that accepts the connection
 * and never answers fails the call (a GraphError without status, retried from the outbox) instead of holding it.
 */
class TimeoutHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const given = context.options?.signal ?? undefined;
    context.options = { ...context.options, signal: given ? AbortSignal.any([given, timeout]) : timeout };
    await this.next?.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

const GRAPH_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'graph.microsoft.de',
  'microsoftgraph.chinacloudapi.cn',
  'canary.graph.microsoft.com',
]);

/**
 * The Graph SDK turns any error thrown while getting a token into a GraphError that keeps only the message.
 * A GraphClientError passes through untouched, so the credential's own error (with its status) survives.
 */
class CredentialFailure extends GraphClientError {
  constructor(readonly failure: unknown) {
    super('the Graph credential could not get a token');
    // GraphClientError's constructor resets the prototype to its own; restore ours so `instanceof` works.
    Object.setPrototypeOf(this, CredentialFailure.prototype);
    this.name = 'CredentialFailure';
  }
}

class ReportingCredential implements TokenCredential {
  constructor(private readonly inner: TokenCredential) {}

  async getToken(...args: Parameters<TokenCredential['getToken']>): ReturnType<TokenCredential['getToken']> {
    try {
      return await this.inner.getToken(...args);
    } catch (error) {
      throw new CredentialFailure(error);
    }
  }
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/**
 * Maps a failed Graph call to Doorman's errors: 403 (and 401) → GraphForbiddenError naming the permission or
 * policy; 429/5xx and network failures → GraphUnavailableError (a RetryableError with Retry-After in ms);
 * anything else → DoormanError INTERNAL with the status and Graph's error code (never the body).
 */
export function mapGraphError(error: unknown, operation: GraphOperation, now: Date, subject?: string): Error {
  if (error instanceof DoormanError || error instanceof RetryableError) return error;
  if (error instanceof CredentialFailure) return mapCredentialError(error.failure);
  if (
    error instanceof AuthenticationError ||
    error instanceof AuthenticationRequiredError ||
    error instanceof CredentialUnavailableError
  ) {
    return mapCredentialError(error);
  }
  if (error instanceof GraphError) {
    const status = error.statusCode;
    if (status === 403) return new GraphForbiddenError(graphRequirement(operation, subject), status, error.code);
    if (status === 401) return new GraphForbiddenError(graphRequirement('credential'), status, error.code);
    if (RETRYABLE_STATUSES.has(status)) {
      return new GraphUnavailableError(operation, status, parseRetryAfter(headerOf(error, 'retry-after'), now));
    }
    // -1: no HTTP answer at all (connection refused, reset, DNS): worth another try later.
    if (status === -1 || status === undefined) return new GraphUnavailableError(operation, -1, null);
    return new DoormanError('INTERNAL', `Graph ${operation} failed: HTTP ${status}${error.code ? ` ${error.code}` : ''}`);
  }
  return new GraphUnavailableError(operation, -1, null);
}

/** True when Graph answered 404: for a delete, the thing is already gone. */
export function isGraphNotFound(error: unknown): boolean {
  return error instanceof GraphError && error.statusCode === 404;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP-date (relative to `now`); null when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

// OAuth 2.0 error codes that mean the app's configuration is wrong, not that the service is unwell.
const CONFIGURATION_ERRORS = /^(invalid_client|unauthorized_client|invalid_request|invalid_grant|invalid_scope|invalid_resource|unsupported_grant_type|access_denied)\b/;

/** The OAuth error and AADSTS code of a token failure, for logs and doctor (never a secret). */
export function credentialFailureCode(failure: unknown): { error: string | null; aadsts: string | null } {
  if (failure instanceof AuthenticationError) {
    return { error: failure.errorResponse?.error ?? null, aadsts: /AADSTS\d+/.exec(failure.errorResponse?.errorDescription ?? '')?.[0] ?? null };
  }
  const message = failure instanceof Error ? failure.message : '';
  return { error: /^([a-z_]+):/.exec(message)?.[1] ?? null, aadsts: /AADSTS\d+/.exec(message)?.[0] ?? null };
}

function mapCredentialError(failure: unknown): Error {
  if (failure instanceof AuthenticationRequiredError) {
    // @azure/identity 4 wraps the token endpoint's answer for confidential clients in this error; its message
    // starts with the OAuth error ("invalid_client: … AADSTS7000215 …").
    const { error, aadsts } = credentialFailureCode(failure);
    if (error && CONFIGURATION_ERRORS.test(error)) {
      return new GraphForbiddenError(graphRequirement('credential'), 401, aadsts ? `${error} ${aadsts}` : error);
    }
    return new GraphUnavailableError('credential', -1, null);
  }
  if (failure instanceof AuthenticationError) {
    // The token endpoint itself was throttled or down: try again later; a 400/401 means the configuration is wrong.
    if (failure.statusCode === 429 || failure.statusCode >= 500 || failure.statusCode === 0) {
      return new GraphUnavailableError('credential', failure.statusCode, null);
    }
    return new GraphForbiddenError(graphRequirement('credential'), failure.statusCode, failure.errorResponse?.error ?? null);
  }
  if (failure instanceof CredentialUnavailableError) {
    return new GraphForbiddenError(graphRequirement('credential'), 0, 'CredentialUnavailableError');
  }
  // A network failure on the way to the token endpoint.
  return new GraphUnavailableError('credential', -1, null);
}

function headerOf(error: GraphError, name: string): string | null {
  const headers = error.headers as { get?: (key: string) => string | null } | undefined;
  return typeof headers?.get === 'function' ? headers.get(name) : null;
}
