<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Api\SearchCriteria: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Api;

if (!class_exists(SearchCriteria::class, false)) {
    class SearchCriteria extends \Magento\Framework\DataObject
    {

    }
}
