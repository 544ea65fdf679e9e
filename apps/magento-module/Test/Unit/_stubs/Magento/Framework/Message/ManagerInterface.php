<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Message\ManagerInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Message;

if (!interface_exists(ManagerInterface::class, false)) {
    interface ManagerInterface
    {
        public function addSuccessMessage($message, $group = null);

        public function addErrorMessage($message, $group = null);

        public function addWarningMessage($message, $group = null);

        public function addNoticeMessage($message, $group = null);
    }
}
