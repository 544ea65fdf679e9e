<?php

declare(strict_types=1);

// Test stub of Magento\Framework\View\Page\Title: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\View\Page;

if (!class_exists(Title::class, false)) {
    class Title
    {
        public $parts = [];

        public function prepend($suffix)
        {
            array_unshift($this->parts, (string) $suffix);
        }
    }
}
