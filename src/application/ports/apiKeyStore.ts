/** An API key for a system that asks for lockbox access on people's behalf; only its hash is stored. */
export interface ApiKey {
  id: string;
  name: string;
  /** Who the key may ask for: object ids, or `*` for anyone. */
  onBehalfOf: string[];
  hash: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** API keys of systems that ask on people's behalf. */
export interface ApiKeyStore {
  saveApiKey(key: ApiKey): Promise<void>;
  findApiKeyByHash(hash: string): Promise<ApiKey | null>;
  listApiKeys(): Promise<ApiKey[]>;
  revokeApiKey(id: string, at: Date): Promise<boolean>;
}
