import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Secrets } from '../../application/ports';

/** Secrets from Node's CSPRNG; link codes carry 192 bits and are stored only as SHA-256 hashes. */
export class CryptoSecrets implements Secrets {
  /** A random UUID for a new request. */
  newRequestId(): string {
    return randomUUID();
  }

  /** A 192-bit base64url link code and its hash. */
  newLinkCode(): { code: string; hash: string } {
    const code = randomBytes(24).toString('base64url');
    return { code, hash: this.hash(code) };
  }

  /** A 256-bit browser binding secret and its hash. */
  newBindingSecret(): { secret: string; hash: string } {
    const secret = randomBytes(32).toString('base64url');
    return { secret, hash: this.hash(secret) };
  }

  /** SHA-256, hex: codes are random and long, so a plain hash cannot be reversed by guessing. */
  hash(value: string): string {
    return createHash('sha256').update(value, 'utf8').digest('hex');
  }

  /** Constant-time comparison of two hashes. */
  sameHash(a: string, b: string): boolean {
    const left = Buffer.from(a, 'utf8');
    const right = Buffer.from(b, 'utf8');
    return left.length === right.length && timingSafeEqual(left, right);
  }

  /** A uniformly random 4-digit tag. */
  newTag(): string {
    return String(randomInt(0, 10_000)).padStart(4, '0');
  }
}
