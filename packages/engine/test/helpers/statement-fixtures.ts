import type { AccountStatementInput } from '../../src/index.ts';

/** Statement inputs generated on the fly: nothing is held in memory however many accounts. */
export async function* statementAccounts(count: number, periodEnd = '2026-10-31'): AsyncGenerator<AccountStatementInput> {
  for (let i = 0; i < count; i++) {
    const ref = `ACC-${String(i).padStart(6, '0')}`;
    yield {
      statement: {
        accountRef: ref,
        accountName: `Account ${i} GmbH`,
        periodStart: '2026-10-01',
        periodEnd,
        currency: 'EUR',
        openingBalance: { amount: '100.00', currency: 'EUR' },
        closingBalance: { amount: '150.00', currency: 'EUR' },
        dueDate: '2026-11-30',
        lines: [
          { kind: 'invoice', date: '2026-10-05', ref: `INV-${i}`, description: 'Invoice', debit: { amount: '80.00', currency: 'EUR' }, credit: null, balance: { amount: '180.00', currency: 'EUR' } },
          { kind: 'payment', date: '2026-10-20', ref: `PAY-${i}`, description: 'Payment', debit: null, credit: { amount: '30.00', currency: 'EUR' }, balance: { amount: '150.00', currency: 'EUR' } },
        ],
        billingAddress: null,
      },
      customer: { ref: `cust-${i}`, email: `billing${i}@example.com`, phone: null, firstName: null, lastName: null, locale: 'de', isGuest: false },
    };
  }
}

export const STATEMENT_RULE = { eventKind: 'statement.period_closed', documentType: 'account_statement', channel: 'email', communicationId: 'comm-statement', templateVersion: '2' } as const;
