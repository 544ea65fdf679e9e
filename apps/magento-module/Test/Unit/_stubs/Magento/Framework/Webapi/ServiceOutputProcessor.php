<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Webapi\ServiceOutputProcessor: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Webapi;

if (!class_exists(ServiceOutputProcessor::class, false)) {
    class ServiceOutputProcessor
    {
        /**
         * The real processor walks the service method's declared return type with reflection and
         * turns data interfaces into snake_case arrays. The stub only flattens DataObjects.
         */
        public function process($data, $serviceClassName, $serviceMethodName)
        {
            return $this->convert($data);
        }

        private function convert($value)
        {
            if ($value instanceof \Magento\Framework\DataObject) {
                $value = $value->getData();
            }
            if (is_array($value)) {
                foreach ($value as $k => $v) {
                    $value[$k] = $this->convert($v);
                }
            }
            return $value;
        }
    }
}
