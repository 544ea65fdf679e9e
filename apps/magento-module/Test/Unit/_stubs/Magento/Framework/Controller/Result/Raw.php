<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Controller\Result\Raw: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Controller\Result;

if (!class_exists(Raw::class, false)) {
    class Raw
    {
        private $contents = '';
        private $headers = [];
        private $code = 200;

        public function setContents($contents)
        {
            $this->contents = $contents;
            return $this;
        }

        public function setHeader($name, $value, $replace = false)
        {
            $this->headers[$name] = $value;
            return $this;
        }

        public function setHttpResponseCode($httpCode)
        {
            $this->code = $httpCode;
            return $this;
        }

        /** Stub-only accessors for tests. */
        public function stubContents()
        {
            return $this->contents;
        }

        public function stubHeaders()
        {
            return $this->headers;
        }

        public function stubCode()
        {
            return $this->code;
        }
    }
}
