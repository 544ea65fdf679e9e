<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Observer;

use ExstreamConnect\Connector\Model\Events;
use Magento\Framework\Event\Observer;
use Magento\Sales\Model\Order\Invoice;

/**
 * sales_order_invoice_save_commit_after: a new invoice. Later saves (capture, comments) are
 * ignored because the invoice document was already produced.
 */
class InvoiceSaveCommitAfter extends AbstractRecordingObserver
{
    protected function handle(Observer $observer): void
    {
        $invoice = $observer->getEvent()->getData('invoice');
        if (!$invoice instanceof Invoice || !$invoice->getId() || !$this->isNew($invoice)) {
            return;
        }
        $invoiceId = (int) $invoice->getId();
        $orderId = (int) $invoice->getOrderId();
        $this->recorder->record(
            Events::ORDER_INVOICED,
            Events::ENTITY_INVOICE,
            $invoiceId,
            $this->storeIdOf($invoice),
            $orderId > 0 ? $orderId : null,
            'invoice:' . $invoiceId . ':created'
        );
    }

    private function storeIdOf(Invoice $invoice): int
    {
        $storeId = (int) $invoice->getStoreId();
        if ($storeId === 0 && $invoice->getOrder()) {
            $storeId = (int) $invoice->getOrder()->getStoreId();
        }
        return $storeId;
    }
}
