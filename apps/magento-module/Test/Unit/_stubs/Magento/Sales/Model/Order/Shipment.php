<?php

declare(strict_types=1);

// Test stub of Magento\Sales\Model\Order\Shipment: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Sales\Model\Order;

if (!class_exists(Shipment::class, false)) {
    class Shipment extends \Magento\Framework\Model\AbstractModel
    {
        public function getOrder()
        {
            return $this->_data['order'] ?? null;
        }
    }
}
