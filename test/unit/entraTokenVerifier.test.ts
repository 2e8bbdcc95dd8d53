import { KeyObject, generateKeyPairSync, sign } from 'node:crypto';
import { EntraTokenVerifier, EntraTokenVerifierOptions, parseKeySet } from '../../src/adapters/http/entraTokenVerifier';
import { DoormanError } from '../../src/domain/errors';
import { FakeClock } from '../support/fakeClock';

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const APP_ID_URI = `api://doorman.contoso.example/${CLIENT_ID}`;
const TENANT = '72f988bf-0000-0000-0000-000000000001';
const OTHER_TENANT = '72f988bf-0000-0000-0000-000000000002';
const OID = '00000000-0000-0000-0000-00000000a001';

function keyPair(): { privateKey: KeyObject; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, jwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown> };
}

const KEY_A = keyPair();
const KEY_B = keyPair();

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs a JWT like Entra does (RS256), with whatever header and claims a test needs. */
function token(claims: Record<string, unknown>, header: Record<string, unknown> = {}, key: KeyObject = KEY_A.privateKey): string {
  const head = b64({ typ: 'JWT', alg: 'RS256', kid: 'key-a', ...header });
  const body = b64(claims);
  const signature = sign('sha256', Buffer.from(`${head}.${body}`), key).toString('base64url');
  return `${head}.${body}.${signature}`;
}

describe('EntraTokenVerifier', () => {
  let clock: FakeClock;
  let keySets: unknown[];
  let fetches: string[];
  let logs: { level: string; fields: Record<string, unknown>; message: string }[];
  const now = () => Math.floor(clock.now().getTime() / 1000);

  /** A v2.0 access token as Teams hands it to the tab. */
  const claims = (overrides: Record<string, unknown> = {}) => ({
    aud: CLIENT_ID,
    iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    iat: now() - 60,
    nbf: now() - 60,
    exp: now() + 3600,
    name: 'Alex Agent',
    oid: OID,
    scp: 'access_as_user',
    tid: TENANT,
    ver: '2.0',
    ...overrides,
  });

  function verifier(options: Partial<EntraTokenVerifierOptions> = {}): EntraTokenVerifier {
    const record = (level: string) => (fields: Record<string, unknown>, message: string) => logs.push({ level, fields, message });
    return new EntraTokenVerifier({
      jwksUrl: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
      audiences: [CLIENT_ID, APP_ID_URI],
      allowedTenantIds: [TENANT],
      clock,
      logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
      fetchJwks: async (url) => {
        fetches.push(url);
        const next = keySets.length > 1 ? keySets.shift() : keySets[0];
        if (next instanceof Error) throw next;
        return next;
      },
      ...options,
    });
  }

  async function refusal(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(DoormanError);
      expect((error as DoormanError).code).toBe('AUTH.NOT_PERMITTED');
      return (error as DoormanError).message.replace('AUTH.NOT_PERMITTED: token refused: ', '');
    }
    throw new Error('the token was accepted');
  }

  beforeEach(() => {
    clock = new FakeClock();
    keySets = [{ keys: [{ ...KEY_A.jwk, kid: 'key-a', use: 'sig', x5t: 'key-a', x5c: ['MIIC…'] }] }];
    fetches = [];
    logs = [];
  });

  it('accepts a v2.0 token for the client id and returns who it names', async () => {
    await expect(verifier().verify(token(claims()))).resolves.toEqual({ oid: OID, tid: TENANT, name: 'Alex Agent', appId: null });
  });

  it('accepts a v1.0 token for the Application ID URI from sts.windows.net', async () => {
    const v1 = claims({ aud: APP_ID_URI, iss: `https://sts.windows.net/${TENANT}/`, ver: '1.0', name: undefined });
    await expect(verifier().verify(token(v1))).resolves.toEqual({ oid: OID, tid: TENANT, name: null, appId: null });
  });

  it.each([
    ['another audience', { aud: 'api://someone-else/abc' }, 'audience'],
    ['an audience list', { aud: [CLIENT_ID] }, 'audience'],
    ['a tenant not allowed', { tid: OTHER_TENANT, iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` }, 'tenant'],
    ['an issuer of another tenant', { iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` }, 'issuer'],
    ['an issuer that is not Entra', { iss: `https://evil.example/${TENANT}/v2.0` }, 'issuer'],
    ['a v1 issuer without the trailing slash', { iss: `https://sts.windows.net/${TENANT}` }, 'issuer'],
    ['no scope (an app-only token)', { scp: undefined, roles: ['access_as_user'] }, 'scope'],
    ['another scope', { scp: 'User.Read' }, 'scope'],
    ['no object id', { oid: undefined }, 'no object id'],
    ['no exp', { exp: undefined }, 'expired'],
    ['exp as a string', { exp: String(Math.floor(Date.now() / 1000) + 3600) }, 'expired'],
  ])('refuses %s', async (_what, overrides, reason) => {
    expect(await refusal(verifier().verify(token(claims(overrides))))).toBe(reason);
  });

  it('allows 5 minutes of clock skew on exp and nbf, and no more', async () => {
    const v = verifier();
    await expect(v.verify(token(claims({ exp: now() - 299 })))).resolves.toMatchObject({ oid: OID });
    expect(await refusal(v.verify(token(claims({ exp: now() - 301 }))))).toBe('expired');
    await expect(v.verify(token(claims({ nbf: now() + 299 })))).resolves.toMatchObject({ oid: OID });
    expect(await refusal(v.verify(token(claims({ nbf: now() + 301 }))))).toBe('not yet valid');
  });

  it('judges time by the injected clock', async () => {
    const v = verifier();
    const issued = token(claims({ exp: now() + 3600 }));
    clock.advance(3600_000 + 301_000);
    expect(await refusal(v.verify(issued))).toBe('expired');
  });

  it('refuses a token signed by another key under a known kid, and a tampered payload', async () => {
    const v = verifier();
    expect(await refusal(v.verify(token(claims(), {}, KEY_B.privateKey)))).toBe('signature');
    const [head, , signature] = token(claims()).split('.');
    const forged = `${head}.${b64(claims({ oid: 'someone-else' }))}.${signature}`;
    expect(await refusal(v.verify(forged))).toBe('signature');
  });

  it.each([
    ['alg none', { alg: 'none' }, 'algorithm'],
    ['an HMAC algorithm', { alg: 'HS256' }, 'algorithm'],
    ['RS512', { alg: 'RS512' }, 'algorithm'],
    ['no kid', { kid: undefined }, 'no key id'],
    ['a crit header', { crit: ['exp'] }, 'critical header'],
  ])('refuses a header with %s', async (_what, header, reason) => {
    expect(await refusal(verifier().verify(token(claims(), header)))).toBe(reason);
  });

  it.each([
    ['garbage', 'not-a-token'],
    ['an empty string', ''],
    ['two parts', 'abc.def'],
    ['a header that is not JSON', `${Buffer.from('{').toString('base64url')}.${b64({})}.sig`],
    ['a payload that is an array', `${b64({ alg: 'RS256', kid: 'key-a' })}.${b64([1])}.sig`],
    ['a token over 16 KiB', `${b64({ alg: 'RS256', kid: 'key-a' })}.${'a'.repeat(17_000)}.sig`],
  ])('refuses %s without fetching keys', async (_what, raw) => {
    await expect(verifier().verify(raw)).rejects.toMatchObject({ code: 'AUTH.NOT_PERMITTED' });
    expect(fetches).toEqual([]);
  });

  it('caches the key set: many tokens, one fetch', async () => {
    const v = verifier();
    await Promise.all([v.verify(token(claims())), v.verify(token(claims())), v.verify(token(claims()))]);
    await v.verify(token(claims()));
    expect(fetches).toHaveLength(1);
  });

  it('fetches again for an unknown kid (key rollover) and then accepts the new key', async () => {
    keySets = [{ keys: [{ ...KEY_A.jwk, kid: 'key-a' }] }, { keys: [{ ...KEY_A.jwk, kid: 'key-a' }, { ...KEY_B.jwk, kid: 'key-b' }] }];
    const v = verifier();
    await v.verify(token(claims()));
    clock.advance(61_000);
    await expect(v.verify(token(claims(), { kid: 'key-b' }, KEY_B.privateKey))).resolves.toMatchObject({ oid: OID });
    expect(fetches).toHaveLength(2);
  });

  it('refetches on unknown kids at most once a minute', async () => {
    const v = verifier();
    await v.verify(token(claims()));
    for (let i = 0; i < 5; i++) {
      expect(await refusal(v.verify(token(claims(), { kid: `unknown-${i}` })))).toBe('unknown key');
    }
    expect(fetches).toHaveLength(1);
    clock.advance(60_000);
    expect(await refusal(v.verify(token(claims(), { kid: 'unknown-again' })))).toBe('unknown key');
    expect(fetches).toHaveLength(2);
  });

  it('refreshes a day-old key set even when the kid is known', async () => {
    const v = verifier();
    await v.verify(token(claims()));
    clock.advance(24 * 3600_000);
    await v.verify(token(claims()));
    expect(fetches).toHaveLength(2);
  });

  it('keeps the keys it has when a refetch fails, and logs the failure without the token', async () => {
    keySets = [{ keys: [{ ...KEY_A.jwk, kid: 'key-a' }] }, new Error('connect ECONNREFUSED')];
    const v = verifier();
    await v.verify(token(claims()));
    clock.advance(24 * 3600_000);
    const presented = token(claims());
    await expect(v.verify(presented)).resolves.toMatchObject({ oid: OID });
    expect(logs.some((entry) => entry.level === 'warn' && entry.message === 'Entra signing keys could not be fetched')).toBe(true);
    expect(JSON.stringify(logs)).not.toContain(presented.split('.')[2]);
  });

  it('refuses everything when the keys cannot be fetched at all', async () => {
    keySets = [new Error('getaddrinfo ENOTFOUND')];
    expect(await refusal(verifier().verify(token(claims())))).toBe('unknown key');
  });

  it('refuses everyone when no tenant is allowed', async () => {
    expect(await refusal(verifier({ allowedTenantIds: [] }).verify(token(claims())))).toBe('tenant');
  });

  it('never logs the token or puts it in the error', async () => {
    const v = verifier();
    const presented = token(claims({ aud: 'wrong' }));
    const error = (await v.verify(presented).then(() => null, (e: unknown) => e)) as Error;
    expect(error.message).not.toContain(presented);
    expect(JSON.stringify(logs)).not.toContain(presented.split('.')[1]);
  });
});

describe('parseKeySet', () => {
  it('keeps RSA signing keys by kid and skips everything else', () => {
    const keys = parseKeySet({
      keys: [
        { ...KEY_A.jwk, kid: 'a' },
        { ...KEY_B.jwk, kid: 'enc', use: 'enc' },
        { kty: 'EC', kid: 'ec', crv: 'P-256', x: 'x', y: 'y' },
        { kty: 'RSA', kid: 'broken', n: '!!', e: 'AQAB' },
        { kty: 'RSA', n: KEY_B.jwk.n, e: KEY_B.jwk.e },
        'not an object',
      ],
    });
    expect([...keys.keys()]).toEqual(['a']);
  });

  it('answers an empty map for anything that is not a key set', () => {
    for (const body of [null, 'text', { keys: 'no' }, []]) expect(parseKeySet(body).size).toBe(0);
  });
});
