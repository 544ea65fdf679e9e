import { ConnectError } from '@exstream-connect/core';
import type { WriteBackJob } from '@exstream-connect/engine';
import { createAdminGraphql, type AdminGraphqlOptions } from './lib/admin-graphql.server.ts';
import { maskEmail } from '@exstream-connect/core';

export type ShopifyWriteBackOptions = AdminGraphqlOptions;

export const METAFIELD_NAMESPACE = '$app:exstream_connect';
export const METAFIELD_KEY = 'communications';
export const FAILURE_TAG = 'exstream-failed';

const METAFIELDS_SET = /* GraphQL */ `
  mutation ExstreamSummary($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { id namespace key }
      userErrors { field message code }
    }
  }
`;

const TAGS_ADD = /* GraphQL */ `
  mutation ExstreamFailureTag($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      node { id }
      userErrors { field message }
    }
  }
`;

const CONSENT_UPDATE = /* GraphQL */ `
  mutation ExstreamConsent($input: CustomerEmailMarketingConsentUpdateInput!) {
    customerEmailMarketingConsentUpdate(input: $input) {
      customer { id }
      userErrors { field message code }
    }
  }
`;

const CUSTOMER_BY_EMAIL = /* GraphQL */ `
  query ExstreamCustomerByEmail($query: String!) {
    customers(first: 1, query: $query) { nodes { id } }
  }
`;

type UserErrors = { userErrors: Array<{ field?: string[] | null; message: string; code?: string | null }> };

const orderGid = (ref: string) => (ref.startsWith('gid://') ? ref : `gid://shopify/Order/${ref}`);
const customerGid = (ref: string) => (ref.startsWith('gid://') ? ref : `gid://shopify/Customer/${ref}`);

/**
 * The engine's WriteBackPort for Shopify, through Admin GraphQL with `graphql-request` (it runs in
 * the engine's worker, outside any Remix request):
 * - order_summary → `metafieldsSet` on the order, app-owned namespace, key `communications`, json;
 * - order_failure_tag → `tagsAdd` "exstream-failed" (the engine only sends it when the merchant
 *   enabled the toggle);
 * - customer_consent (unsubscribed) → `customerEmailMarketingConsentUpdate` UNSUBSCRIBED.
 *
 * Throttling, tokens and errors: `createAdminGraphql` (shared with the product facts source).
 * userErrors are not retryable.
 */
export function createShopifyWriteBack(options: ShopifyWriteBackOptions) {
  const admin = createAdminGraphql(options);
  const call = <T>(shop: string, document: string, variables: Record<string, unknown>) => admin.request<T>(shop, document, variables);

  function assertNoUserErrors(result: UserErrors | null | undefined, what: string) {
    const errors = result?.userErrors ?? [];
    if (errors.length > 0) {
      throw new ConnectError('UPSTREAM_FAILED', `Shopify refused ${what}: ${errors.map((e) => e.message).join('; ')}`, {
        retryable: false,
        issues: errors.map((e) => ({ path: (e.field ?? []).join('.'), message: e.message })),
      });
    }
  }

  return {
    async apply(job: WriteBackJob): Promise<void> {
      const shop = job.storeKey;
      switch (job.kind) {
        case 'order_summary': {
          if (!job.orderRef) return;
          const data = await call<{ metafieldsSet: UserErrors }>(shop, METAFIELDS_SET, {
            metafields: [{ ownerId: orderGid(job.orderRef), namespace: METAFIELD_NAMESPACE, key: METAFIELD_KEY, type: 'json', value: JSON.stringify(job.summary ?? {}) }],
          });
          assertNoUserErrors(data.metafieldsSet, 'the order metafield');
          return;
        }
        case 'order_failure_tag': {
          if (!job.orderRef) return;
          const data = await call<{ tagsAdd: UserErrors }>(shop, TAGS_ADD, { id: orderGid(job.orderRef), tags: [FAILURE_TAG] });
          assertNoUserErrors(data.tagsAdd, 'the order tag');
          return;
        }
        case 'customer_consent': {
          // Exstream reports opt-outs; a subscription is only ever given by the customer in Shopify.
          if (job.consent?.state !== 'unsubscribed' || (job.consent.channel !== 'email' && job.consent.channel !== 'all')) return;
          let customerId = job.customerRef ? customerGid(job.customerRef) : null;
          if (!customerId && job.email) {
            const found = await call<{ customers: { nodes: Array<{ id: string }> } }>(shop, CUSTOMER_BY_EMAIL, { query: `email:"${job.email.replace(/"/g, '')}"` });
            customerId = found.customers.nodes[0]?.id ?? null;
          }
          if (!customerId) {
            options.logger?.info('Opt-out for an unknown Shopify customer: nothing to update', { shop, email: maskEmail(job.email) });
            return;
          }
          const data = await call<{ customerEmailMarketingConsentUpdate: UserErrors }>(shop, CONSENT_UPDATE, {
            input: { customerId, emailMarketingConsent: { marketingState: 'UNSUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN' } },
          });
          assertNoUserErrors(data.customerEmailMarketingConsentUpdate, 'the marketing consent update');
          return;
        }
      }
    },
  };
}

export type ShopifyWriteBack = ReturnType<typeof createShopifyWriteBack>;
