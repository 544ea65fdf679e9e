<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Observer;

use ExstreamConnect\Connector\Model\Events;
use Magento\Framework\Event\Observer;
use Magento\Sales\Model\Order;

/**
 * order_cancel_after: some payment modules cancel through Order::cancel() and dispatch this
 * without a state diff our commit observer would see. Same key as the commit observer, so a
 * cancellation yields exactly one row.
 */
class OrderCancelAfter extends AbstractRecordingObserver
{
    protected function handle(Observer $observer): void
    {
        $order = $observer->getEvent()->getData('order');
        if (!$order instanceof Order || !$order->getId()) {
            return;
        }
        if ((string) $order->getState() !== Order::STATE_CANCELED) {
            // cancel() returns early when the order cannot be cancelled; nothing happened then.
            return;
        }
        $orderId = (int) $order->getId();
        $this->recorder->record(
            Events::ORDER_CANCELLED,
            Events::ENTITY_ORDER,
            $orderId,
            (int) $order->getStoreId(),
            $orderId,
            'order:' . $orderId . ':cancelled'
        );
    }
}
