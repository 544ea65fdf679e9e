<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Controller\Result\Redirect: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Controller\Result;

if (!class_exists(Redirect::class, false)) {
    class Redirect
    {
        private $path = null;
        private $params = [];

        public function setPath($path, array $params = [])
        {
            $this->path = $path;
            $this->params = $params;
            return $this;
        }

        /** Stub-only accessor for tests. */
        public function stubTarget()
        {
            return [$this->path, $this->params];
        }
    }
}
