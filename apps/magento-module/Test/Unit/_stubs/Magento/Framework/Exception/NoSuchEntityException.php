<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Exception\NoSuchEntityException: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Exception;

if (!class_exists(NoSuchEntityException::class, false)) {
    class NoSuchEntityException extends \Magento\Framework\Exception\LocalizedException
    {

    }
}
