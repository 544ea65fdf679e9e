<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Observer;

use ExstreamConnect\Connector\Model\Events;
use Magento\Framework\Event\Observer;
use Magento\Sales\Model\Order\Shipment\Track;

/**
 * sales_order_shipment_track_save_after: a tracking number added to an EXISTING shipment.
 * Tracks of a shipment being created are saved inside the shipment's own save (before its commit
 * event), so they are skipped here: shipment.created already carries them.
 */
class ShipmentTrackSaveAfter extends AbstractRecordingObserver
{
    protected function handle(Observer $observer): void
    {
        $track = $observer->getEvent()->getData('track');
        if (!$track instanceof Track || !$track->getId() || !$this->isNew($track)) {
            return;
        }
        $shipment = $track->getShipment();
        if (!$shipment || !$shipment->getId() || $this->isNew($shipment)) {
            return;
        }
        $shipmentId = (int) $shipment->getId();
        $orderId = (int) ($track->getOrderId() ?: $shipment->getOrderId());
        $this->recorder->record(
            Events::SHIPMENT_TRACK_ADDED,
            Events::ENTITY_SHIPMENT,
            $shipmentId,
            (int) $shipment->getStoreId(),
            $orderId > 0 ? $orderId : null,
            'track:' . (int) $track->getId() . ':added'
        );
    }
}
