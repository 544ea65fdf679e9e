import { mkdir, readdir, readFile, rm, writeFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** customers/data_request exports, one JSON file per request under <dir>/<shop>/<requestId>.json. */
export type CustomerExportInfo = { id: string; customerRef: string | null; orderRefs: string[]; createdAt: string; bytes: number };

const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;
const SAFE_SHOP = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

function shopDir(dir: string, shop: string): string {
  if (!SAFE_SHOP.test(shop)) throw new Error('Invalid shop domain');
  return path.join(dir, shop);
}

export async function writeCustomerExport(dir: string, shop: string, id: string, content: { customerRef: string | null; orderRefs?: string[]; data: unknown; createdAt: string }) {
  if (!SAFE_ID.test(id)) throw new Error('Invalid export id');
  const folder = shopDir(dir, shop);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, `${id}.json`), JSON.stringify({ id, shop, orderRefs: [], ...content }, null, 2), { mode: 0o600 });
}

export async function listCustomerExports(dir: string, shop: string): Promise<CustomerExportInfo[]> {
  const folder = shopDir(dir, shop);
  const names = await readdir(folder).catch(() => [] as string[]);
  const items: CustomerExportInfo[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).slice(0, 200)) {
    const file = path.join(folder, name);
    const [raw, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const parsed = JSON.parse(raw) as { id: string; customerRef: string | null; orderRefs?: string[]; createdAt: string };
    items.push({ id: parsed.id, customerRef: parsed.customerRef, orderRefs: parsed.orderRefs ?? [], createdAt: parsed.createdAt, bytes: info.size });
  }
  return items.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The raw export, or null; the id is checked against a strict pattern so it cannot leave the shop's folder. */
export async function readCustomerExport(dir: string, shop: string, id: string): Promise<string | null> {
  if (!SAFE_ID.test(id)) return null;
  return readFile(path.join(shopDir(dir, shop), `${id}.json`), 'utf8').catch(() => null);
}

/**
 * customers/redact also removes the exports made for that customer, or holding any of the orders
 * being redacted (an orders-only request names no customer): they are personal data too.
 */
export async function deleteCustomerExports(dir: string, shop: string, who: { customerRef?: string | null; orderRefs?: string[] }): Promise<number> {
  const exports = await listCustomerExports(dir, shop);
  const orders = new Set(who.orderRefs ?? []);
  const mine = exports.filter((item) => (who.customerRef && item.customerRef === who.customerRef) || item.orderRefs.some((ref) => orders.has(ref)));
  await Promise.all(mine.map((item) => rm(path.join(shopDir(dir, shop), `${item.id}.json`), { force: true })));
  return mine.length;
}

export async function deleteShopExports(dir: string, shop: string): Promise<void> {
  await rm(shopDir(dir, shop), { recursive: true, force: true });
}
