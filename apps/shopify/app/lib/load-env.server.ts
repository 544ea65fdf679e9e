import { z } from 'zod';
import { ConnectError } from '@exstream-connect/core';

/** Empty strings count as unset, so `SHOPIFY_API_SECRET=` in a .env file is reported, not used. */
const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const required = (name: string) => z.preprocess(blankToUndefined, z.string({ error: `${name} is required` }).min(1));

export const ZShopifyEnv = z.object({
  SHOPIFY_API_KEY: required('SHOPIFY_API_KEY'),
  SHOPIFY_API_SECRET: required('SHOPIFY_API_SECRET'),
  SHOPIFY_APP_URL: z.preprocess(blankToUndefined, z.url({ error: 'SHOPIFY_APP_URL must be an absolute URL' })),
  SCOPES: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'SCOPES is required (comma-separated access scopes)' })
      .transform((value) => value.split(',').map((scope) => scope.trim()).filter(Boolean))
      .pipe(z.array(z.string()).min(1, 'SCOPES must name at least one scope')),
  ),
  SHOPIFY_APP_PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  DATABASE_URL: z.preprocess(blankToUndefined, z.string().optional()),
  /** Local mode: embedded pages authenticate as the demo shop (refused in production). */
  SHOPIFY_LOCAL_MODE: z.preprocess(blankToUndefined, z.enum(['0', '1', 'true', 'false']).optional()).transform((v) => v === '1' || v === 'true'),
  NODE_ENV: z.preprocess(blankToUndefined, z.string().default('development')),
});
export type TShopifyEnv = z.infer<typeof ZShopifyEnv>;

/**
 * Parses the app's environment once at boot. Every missing or invalid value is named in ONE
 * error, so a deploy fails with the full list instead of one variable per restart.
 */
export function loadEnv(env: Record<string, string | undefined> = process.env): TShopifyEnv {
  const parsed = ZShopifyEnv.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new ConnectError(
      'NOT_CONFIGURED',
      `Invalid Shopify app environment: ${issues.map((i) => `${i.path} (${i.message})`).join(', ')}. See apps/shopify/.env.example.`,
      { issues },
    );
  }
  if (parsed.data.SHOPIFY_LOCAL_MODE && parsed.data.NODE_ENV === 'production') {
    throw new ConnectError('NOT_CONFIGURED', 'SHOPIFY_LOCAL_MODE=1 is refused when NODE_ENV=production: it bypasses Shopify authentication.', {
      issues: [{ path: 'SHOPIFY_LOCAL_MODE', message: 'not allowed in production' }],
    });
  }
  return parsed.data;
}
