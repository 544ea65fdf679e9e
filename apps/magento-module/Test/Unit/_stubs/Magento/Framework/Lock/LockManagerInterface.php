<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Lock\LockManagerInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Lock;

if (!interface_exists(LockManagerInterface::class, false)) {
    interface LockManagerInterface
    {
        public function lock(string $name, int $timeout = -1): bool;

        public function unlock(string $name): bool;

        public function isLocked(string $name): bool;
    }
}
