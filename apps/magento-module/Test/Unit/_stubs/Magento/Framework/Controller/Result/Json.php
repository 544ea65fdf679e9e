<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Controller\Result\Json: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Controller\Result;

if (!class_exists(Json::class, false)) {
    class Json
    {
        private $data = null;

        public function setData($data, $cycleCheck = false, $options = [])
        {
            $this->data = $data;
            return $this;
        }

        /** Stub-only accessor for tests. */
        public function stubData()
        {
            return $this->data;
        }
    }
}
