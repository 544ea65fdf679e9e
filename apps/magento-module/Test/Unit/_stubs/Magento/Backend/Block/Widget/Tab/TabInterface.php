<?php

declare(strict_types=1);

// Test stub of Magento\Backend\Block\Widget\Tab\TabInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Backend\Block\Widget\Tab;

if (!interface_exists(TabInterface::class, false)) {
    interface TabInterface
    {
        public function getTabLabel();

        public function getTabTitle();

        public function canShowTab();

        public function isHidden();
    }
}
