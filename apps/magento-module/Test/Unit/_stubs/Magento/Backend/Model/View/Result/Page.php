<?php

declare(strict_types=1);

// Test stub of Magento\Backend\Model\View\Result\Page: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Backend\Model\View\Result;

if (!class_exists(Page::class, false)) {
    class Page
    {
        public $activeMenu = null;
        private $config;

        public function setActiveMenu($itemId)
        {
            $this->activeMenu = $itemId;
            return $this;
        }

        public function getConfig()
        {
            return $this->config ?? ($this->config = new \Magento\Framework\View\Page\Config());
        }
    }
}
