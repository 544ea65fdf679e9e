<?php

declare(strict_types=1);

// Test stub of Magento\Sales\Model\Order\Status\History: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Sales\Model\Order\Status;

if (!class_exists(History::class, false)) {
    class History extends \Magento\Framework\Model\AbstractModel
    {

    }
}
