import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { authenticateWebhook, webhookError, webhookMethodNotAllowed } from '../lib/authenticate-webhook.server.ts';
import { deleteCustomerExports, deleteShopExports, writeCustomerExport } from '../lib/customer-exports.server.ts';
import { runtime } from '../runtime.server.ts';
import { sessionStorage } from '../shopify.server.ts';

const id = z.union([z.number(), z.string()]).transform(String);
const ZCustomer = z.object({ id: id.nullish(), email: z.string().nullish() }).nullish();
const ZDataRequest = z.object({ customer: ZCustomer, orders_requested: z.array(id).nullish(), data_request: z.object({ id }) });
const ZCustomerRedact = z.object({ customer: ZCustomer, orders_to_redact: z.array(id).nullish() });

const invalidPayload = (topic: string, error: z.ZodError) =>
  webhookError(400, 'VALIDATION_FAILED', `invalid ${topic} payload`, {
    issues: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  });

/**
 * The three mandatory compliance topics (one route, as the topic header says which). The HMAC
 * check is the same as for every webhook, so a bad signature is a 401 as App Review requires.
 *
 * - customers/data_request: everything held on the customer (history, preferences, consent log,
 *   archived document data) and on the orders Shopify names in `orders_requested` (their history
 *   and the raw webhook bodies kept for them) is exported to a file the merchant downloads from the
 *   Dashboard; Shopify expects it delivered to the merchant, not in this response.
 * - customers/redact: the engine anonymises history and documents; our exports for that
 *   customer, or holding one of the redacted orders, are deleted too.
 * - shop/redact (48 h after uninstall): the store's data, sessions and exports are erased.
 */
export async function action({ request }: ActionFunctionArgs) {
  const { shop, topic, payload } = await authenticateWebhook(request);
  const { engine, exportsDir, logger, storedOrderPayloads, clock } = { ...runtime(), clock: () => new Date() };
  const normalised = topic.toLowerCase().replace('_', '/');
  const store = await engine.stores.find('shopify', shop);

  switch (normalised) {
    case 'customers/data_request': {
      const parsed = ZDataRequest.safeParse(payload);
      if (!parsed.success) return invalidPayload('customers/data_request', parsed.error);
      const { customer, data_request: dataRequest, orders_requested: ordersRequested } = parsed.data;
      const orderRefs = ordersRequested ?? [];
      const who = {
        ...(customer?.id ? { customerRef: customer.id } : {}),
        ...(customer?.email ? { email: customer.email } : {}),
        // The orders Shopify names are part of the request even where no customer id links them.
        ...(orderRefs.length > 0 ? { orderRefs } : {}),
      };
      if (Object.keys(who).length === 0) {
        return webhookError(400, 'VALIDATION_FAILED', 'invalid customers/data_request payload', { issues: [{ path: 'customer', message: 'customer.id, customer.email or orders_requested is required' }] });
      }
      const data = store
        ? { ...(await engine.compliance.exportCustomer(store, who)), ordersRequested: orderRefs, orderPayloads: await storedOrderPayloads(store.id, orderRefs) }
        : { note: 'This shop holds no data in Exstream Connect.' };
      const exportId = `data-request-${dataRequest.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
      await writeCustomerExport(exportsDir, shop, exportId, { customerRef: customer?.id ?? null, orderRefs, data, createdAt: clock().toISOString() });
      logger.info('Customer data export written', { shop, exportId });
      break;
    }
    case 'customers/redact': {
      const parsed = ZCustomerRedact.safeParse(payload);
      if (!parsed.success) return invalidPayload('customers/redact', parsed.error);
      const { customer, orders_to_redact: orders } = parsed.data;
      if (store) {
        const result = await engine.compliance.redactCustomer(store, {
          ...(customer?.id ? { customerRef: customer.id } : {}),
          ...(customer?.email ? { email: customer.email } : {}),
          orderRefs: orders ?? [],
        });
        logger.info('Customer redacted', { shop, communications: result.communications });
      }
      await deleteCustomerExports(exportsDir, shop, { customerRef: customer?.id ?? null, orderRefs: orders ?? [] });
      break;
    }
    case 'shop/redact': {
      if (store) await engine.compliance.eraseStore(store);
      const storage = sessionStorage();
      const sessions = await storage.findSessionsByShop(shop);
      if (sessions.length > 0) await storage.deleteSessions(sessions.map((session) => session.id));
      await deleteShopExports(exportsDir, shop);
      logger.info('Shop data erased', { shop });
      break;
    }
    default:
      return webhookError(400, 'VALIDATION_FAILED', `topic ${topic} is not a compliance topic`);
  }
  return new Response(null, { status: 200 });
}

/** GET / HEAD (which Remix routes to a loader, not to the action): 405 with `Allow: POST`. */
export function loader({ request }: LoaderFunctionArgs) {
  return webhookMethodNotAllowed(request);
}
