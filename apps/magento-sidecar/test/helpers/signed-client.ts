import { signMagentoRequest } from '../../src/verify-signature.ts';

export type SignedFetchOptions = {
  storeKey?: string | null;
  secret?: string;
  /** When the request is signed (default now). */
  at?: Date;
  body?: string | Buffer;
  contentType?: string | null;
  /** Replace the signature header entirely (null = omit it). */
  signature?: string | null;
};

/**
 * A tiny module client over real HTTP: signs `t.METHOD.path.body` exactly as the PHP module does.
 */
export function createSignedClient(baseUrl: string, defaults: { storeKey: string; secret: string }) {
  return async function signedFetch(method: string, path: string, options: SignedFetchOptions = {}): Promise<Response> {
    const storeKey = options.storeKey === undefined ? defaults.storeKey : options.storeKey;
    const secret = options.secret ?? defaults.secret;
    const body = options.body ?? '';
    const headers: Record<string, string> = {};
    if (storeKey !== null) headers['X-Exstream-Connect-Store'] = storeKey;
    const signature = options.signature === undefined ? signMagentoRequest(secret, { method, path, rawBody: body }, options.at ?? new Date()) : options.signature;
    if (signature !== null) headers['X-Exstream-Connect-Signature'] = signature;
    const hasBody = body.length > 0;
    const contentType = options.contentType === undefined ? (hasBody ? 'application/json' : null) : options.contentType;
    if (contentType !== null) headers['Content-Type'] = contentType;
    return fetch(baseUrl + path, { method, headers, ...(hasBody ? { body: typeof body === 'string' ? body : new Uint8Array(body) } : {}) });
  };
}

export function json(value: unknown): string {
  return JSON.stringify(value);
}
