/**
 * The engine side of the statements benchmark, in its own process: what a statements worker is in
 * production (README, Statements: a worker process started with a capped V8 young generation). It
 * opens the benchmark database, runs `engine.runStatements` for generated accounts against the
 * sandbox (another process), and prints one JSON line of figures. Its own peak RSS is read from the
 * kernel (VmHWM, the high-water mark: nothing between two samples is missed) and sampled too.
 * Config comes as JSON in argv[2].
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createDatabase, createSecretBox } from '@exstream-connect/db';
import { createEngine, type AccountStatementInput } from '@exstream-connect/engine';
import { sandboxConnection, SILENT_LOGGER, startRssSampler } from './bench-support.ts';

export type StatementsWorkerConfig = {
  /** A postgres:// URL or a PGlite directory. */
  databaseUrl: string;
  documentsDir: string;
  sandbox: { url: string; tokenUrl: string; domain: string };
  count: number;
};

export type StatementsWorkerResult = {
  rssBeforeMb: number;
  peakRssMb: number;
  /** VmHWM: the kernel's record of this process's highest RSS (null off Linux). */
  highWaterRssMb: number | null;
  streamedSeconds: number;
  totalSeconds: number;
  sent: number;
  result: unknown;
  execArgv: string[];
};

const RULE = { eventKind: 'statement.period_closed', documentType: 'account_statement', channel: 'email', communicationId: 'comm-statement', templateVersion: '1' };

/** One B2B account's statement per iteration; nothing is held once yielded. */
async function* accounts(count: number): AsyncGenerator<AccountStatementInput> {
  const money = (amount: string) => ({ amount, currency: 'EUR' });
  for (let i = 0; i < count; i += 1) {
    const ref = `ACC-${String(i).padStart(7, '0')}`;
    yield {
      statement: {
        accountRef: ref,
        accountName: `Account ${i} GmbH`,
        periodStart: '2026-10-01',
        periodEnd: '2026-10-31',
        currency: 'EUR',
        openingBalance: money('100.00'),
        closingBalance: money('150.00'),
        dueDate: '2026-11-30',
        lines: [
          { kind: 'invoice', date: '2026-10-05', ref: `INV-${i}`, description: 'Invoice', debit: money('80.00'), credit: null, balance: money('180.00') },
          { kind: 'credit', date: '2026-10-12', ref: `CM-${i}`, description: 'Credit memo', debit: null, credit: money('20.00'), balance: money('160.00') },
          { kind: 'payment', date: '2026-10-20', ref: `PAY-${i}`, description: 'Payment', debit: null, credit: money('10.00'), balance: money('150.00') },
        ],
        billingAddress: null,
        paymentInstructions: {
          instructions: 'Please pay by bank transfer within 30 days, quoting the account number.',
          reference: ref,
          payUrl: null,
          bankName: 'Commerzbank',
          accountHolder: 'Velo Handel GmbH',
          iban: 'DE89370400440532013000',
          bic: 'COBADEFFXXX',
          accountNumber: null,
          bankCode: null,
        },
      },
      customer: { ref: `cust-${i}`, email: `billing${i}@example.com`, phone: null, firstName: 'Jana', lastName: `Novák ${i}`, locale: 'de', isGuest: false },
    };
  }
}

function highWaterMb(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const config = JSON.parse(process.argv[2] ?? '{}') as StatementsWorkerConfig;
const db = await createDatabase({ url: config.databaseUrl, migrate: false });
const engine = await createEngine({ db, secretBox: createSecretBox(randomBytes(32)), logger: SILENT_LOGGER, documentsDir: config.documentsDir, batchPolling: { intervalMs: 200, timeoutMs: 10 * 60_000 } });
try {
  const store = await engine.stores.registerMagentoStore({ storeKey: 'bench-b2b', signingSecret: 'bench-b2b-secret-0123456789', name: 'Bench B2B' });
  await engine.settings.update(store, { connection: sandboxConnection(config.sandbox, { serviceNames: { statements: 'statements' } }), rules: [RULE] });
  const rssBefore = process.memoryUsage.rss() / 1024 / 1024;
  const rss = startRssSampler(100);
  let streamedAt: number | null = null;
  const t0 = performance.now();
  const result = await engine.runStatements(store, {
    periodEnd: new Date('2026-10-31T23:59:59Z'),
    accounts: accounts(config.count),
    // The batch POST answered: every statement is planned, recorded and streamed.
    onProgress: (progress) => {
      if (progress.phase === 'submitted') streamedAt ??= performance.now();
    },
  });
  const total = (performance.now() - t0) / 1000;
  const peak = rss.stop();
  const rows = await db.sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM "Communication" WHERE "storeId" = $1::uuid AND status = 'sent'`, [store.id]);
  const out: StatementsWorkerResult = {
    rssBeforeMb: rssBefore,
    peakRssMb: peak,
    highWaterRssMb: highWaterMb(),
    streamedSeconds: ((streamedAt ?? performance.now()) - t0) / 1000,
    totalSeconds: total,
    sent: Number(rows[0]?.n ?? 0),
    result,
    execArgv: process.execArgv.filter((a) => a.startsWith('--max-') || a.startsWith('--semi')),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await engine.stop().catch(() => undefined);
  await db.close();
}
process.exit(0);
