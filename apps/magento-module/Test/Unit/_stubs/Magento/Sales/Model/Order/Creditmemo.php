<?php

declare(strict_types=1);

// Test stub of Magento\Sales\Model\Order\Creditmemo: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Sales\Model\Order;

if (!class_exists(Creditmemo::class, false)) {
    class Creditmemo extends \Magento\Framework\Model\AbstractModel
    {
        public function getOrder()
        {
            return $this->_data['order'] ?? null;
        }
    }
}
