<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Observer;

use ExstreamConnect\Connector\Model\Events;
use Magento\Framework\Event\Observer;
use Magento\Sales\Model\Order\Shipment;

/**
 * sales_order_shipment_save_commit_after: a new shipment. Tracks saved together with it travel in
 * the same payload (the REST shipment includes its tracks); tracks added later are captured by
 * ShipmentTrackSaveAfter.
 */
class ShipmentSaveCommitAfter extends AbstractRecordingObserver
{
    protected function handle(Observer $observer): void
    {
        $shipment = $observer->getEvent()->getData('shipment');
        if (!$shipment instanceof Shipment || !$shipment->getId() || !$this->isNew($shipment)) {
            return;
        }
        $shipmentId = (int) $shipment->getId();
        $orderId = (int) $shipment->getOrderId();
        $storeId = (int) $shipment->getStoreId();
        if ($storeId === 0 && $shipment->getOrder()) {
            $storeId = (int) $shipment->getOrder()->getStoreId();
        }
        $this->recorder->record(
            Events::SHIPMENT_CREATED,
            Events::ENTITY_SHIPMENT,
            $shipmentId,
            $storeId,
            $orderId > 0 ? $orderId : null,
            'shipment:' . $shipmentId . ':created'
        );
    }
}
