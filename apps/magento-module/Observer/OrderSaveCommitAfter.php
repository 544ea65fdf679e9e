<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Observer;

use ExstreamConnect\Connector\Model\Events;
use Magento\Framework\Event\Observer;
use Magento\Sales\Model\Order;

/**
 * sales_order_save_commit_after: new order (and backorders in it), cancellation, hold.
 * Invoices, shipments and refunds are captured on their own entities' events.
 */
class OrderSaveCommitAfter extends AbstractRecordingObserver
{
    protected function handle(Observer $observer): void
    {
        $order = $observer->getEvent()->getData('order');
        if (!$order instanceof Order || !$order->getId()) {
            return;
        }
        $orderId = (int) $order->getId();
        $storeId = (int) $order->getStoreId();

        if ($this->isNew($order)) {
            $this->recorder->record(
                Events::ORDER_PLACED,
                Events::ENTITY_ORDER,
                $orderId,
                $storeId,
                $orderId,
                'order:' . $orderId . ':placed'
            );
            if ($this->hasBackorderedItems($order)) {
                $this->recorder->record(
                    Events::ORDER_BACKORDERED,
                    Events::ENTITY_ORDER,
                    $orderId,
                    $storeId,
                    $orderId,
                    'order:' . $orderId . ':backordered'
                );
            }
        }

        $state = (string) $order->getState();
        $origState = (string) $order->getOrigData('state');
        if ($state === Order::STATE_CANCELED && $origState !== Order::STATE_CANCELED) {
            $this->recorder->record(
                Events::ORDER_CANCELLED,
                Events::ENTITY_ORDER,
                $orderId,
                $storeId,
                $orderId,
                'order:' . $orderId . ':cancelled'
            );
        }
        if ($state === Order::STATE_HOLDED && $origState !== Order::STATE_HOLDED) {
            // An order can be held more than once; the pre-save updated_at tells the holds apart
            // and stays the same for every save within this request.
            $marker = substr(sha1((string) $order->getOrigData('updated_at') . '|' . $origState), 0, 12);
            $this->recorder->record(
                Events::ORDER_DELAYED,
                Events::ENTITY_ORDER,
                $orderId,
                $storeId,
                $orderId,
                'order:' . $orderId . ':delayed:' . $marker
            );
        }
    }

    private function hasBackorderedItems(Order $order): bool
    {
        foreach ($order->getAllItems() as $item) {
            if ((float) $item->getQtyBackordered() > 0) {
                return true;
            }
        }
        return false;
    }
}
