<?php

declare(strict_types=1);

// Test stub of Magento\Sales\Model\Order\Shipment\Track: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Sales\Model\Order\Shipment;

if (!class_exists(Track::class, false)) {
    class Track extends \Magento\Framework\Model\AbstractModel
    {
        /** @var \Magento\Sales\Model\Order\Shipment|null */
        private $shipment = null;

        public function setShipment($shipment)
        {
            $this->shipment = $shipment;
            return $this;
        }

        public function getShipment()
        {
            return $this->shipment;
        }
    }
}
