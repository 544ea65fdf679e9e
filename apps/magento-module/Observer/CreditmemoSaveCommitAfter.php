<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Observer;

use ExstreamConnect\Connector\Model\Events;
use Magento\Framework\Event\Observer;
use Magento\Sales\Model\Order\Creditmemo;

/**
 * sales_order_creditmemo_save_commit_after: a new credit memo (a refund).
 */
class CreditmemoSaveCommitAfter extends AbstractRecordingObserver
{
    protected function handle(Observer $observer): void
    {
        $creditmemo = $observer->getEvent()->getData('creditmemo');
        if (!$creditmemo instanceof Creditmemo || !$creditmemo->getId() || !$this->isNew($creditmemo)) {
            return;
        }
        $creditmemoId = (int) $creditmemo->getId();
        $orderId = (int) $creditmemo->getOrderId();
        $storeId = (int) $creditmemo->getStoreId();
        if ($storeId === 0 && $creditmemo->getOrder()) {
            $storeId = (int) $creditmemo->getOrder()->getStoreId();
        }
        $this->recorder->record(
            Events::CREDITMEMO_CREATED,
            Events::ENTITY_CREDITMEMO,
            $creditmemoId,
            $storeId,
            $orderId > 0 ? $orderId : null,
            'creditmemo:' . $creditmemoId . ':created'
        );
    }
}
