<?php

declare(strict_types=1);

// Test stub of Magento\Framework\App\Action\HttpGetActionInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\App\Action;

if (!interface_exists(HttpGetActionInterface::class, false)) {
    interface HttpGetActionInterface extends \Magento\Framework\App\ActionInterface
    {

    }
}
