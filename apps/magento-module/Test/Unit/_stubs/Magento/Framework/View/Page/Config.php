<?php

declare(strict_types=1);

// Test stub of Magento\Framework\View\Page\Config: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\View\Page;

if (!class_exists(Config::class, false)) {
    class Config
    {
        private $title;

        public function getTitle()
        {
            return $this->title ?? ($this->title = new \Magento\Framework\View\Page\Title());
        }
    }
}
