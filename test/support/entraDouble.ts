import { KeyObject, generateKeyPairSync, sign } from 'node:crypto';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** An RSA signing key as Entra holds it, and its public half as a JWK. */
export interface SigningKey {
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

/** A fresh 2048-bit RSA key pair. */
export function signingKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, jwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown> };
}

/** The kid Entra's published key carries in these tests. */
export const ENTRA_KID = 'entra-key-1';

/** Entra's key endpoint on loopback: serves `{keys: [jwk]}` for `key` and counts how often it was asked. */
export class JwksDouble {
  hits = 0;
  url = '';
  private server: Server | null = null;

  constructor(readonly key: SigningKey = signingKey()) {}

  /** Listens on a free loopback port. */
  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      this.hits += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ keys: [{ ...this.key.jwk, kid: ENTRA_KID, use: 'sig', x5t: ENTRA_KID }] }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/common/discovery/v2.0/keys`;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs a JWT as Entra would (RS256), with `claims` as its payload. */
export function signToken(claims: Record<string, unknown>, key: KeyObject, header: Record<string, unknown> = {}): string {
  const head = b64({ typ: 'JWT', alg: 'RS256', kid: ENTRA_KID, ...header });
  const body = b64(claims);
  return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), key).toString('base64url')}`;
}
