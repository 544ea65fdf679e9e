<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Exception\LocalizedException: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Exception;

if (!class_exists(LocalizedException::class, false)) {
    class LocalizedException extends \Exception
    {
        public function __construct($phrase = '', ?\Exception $cause = null, $code = 0)
        {
            parent::__construct((string) $phrase, (int) $code, $cause);
        }
    }
}
