<?php

declare(strict_types=1);

// Test stub of Magento\Framework\App\Action\HttpPostActionInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\App\Action;

if (!interface_exists(HttpPostActionInterface::class, false)) {
    interface HttpPostActionInterface extends \Magento\Framework\App\ActionInterface
    {

    }
}
