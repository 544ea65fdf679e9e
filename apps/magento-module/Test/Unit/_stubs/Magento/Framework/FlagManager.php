<?php

declare(strict_types=1);

// Test stub of Magento\Framework\FlagManager: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework;

if (!class_exists(FlagManager::class, false)) {
    class FlagManager
    {
        /** @var array<string, mixed> in-memory flag table */
        private $flags = [];

        public function getFlagData($code)
        {
            return $this->flags[$code] ?? null;
        }

        public function saveFlag($code, $value)
        {
            $this->flags[$code] = $value;
            return true;
        }

        public function deleteFlag($code)
        {
            unset($this->flags[$code]);
            return true;
        }
    }
}
