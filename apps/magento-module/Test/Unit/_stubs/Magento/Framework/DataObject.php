<?php

declare(strict_types=1);

// Test stub of Magento\Framework\DataObject: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework;

if (!class_exists(DataObject::class, false)) {
    class DataObject
    {
        /** @var array<string, mixed> */
        protected $_data = [];

        public function __construct(array $data = [])
        {
            $this->_data = $data;
        }

        public function getData($key = '', $index = null)
        {
            if ($key === '' || $key === null) {
                return $this->_data;
            }
            return $this->_data[$key] ?? null;
        }

        public function setData($key, $value = null)
        {
            if (is_array($key)) {
                $this->_data = $key;
            } else {
                $this->_data[$key] = $value;
            }
            return $this;
        }

        public function addData(array $arr)
        {
            foreach ($arr as $k => $v) {
                $this->_data[$k] = $v;
            }
            return $this;
        }

        public function unsetData($key = null)
        {
            if ($key === null) {
                $this->_data = [];
            } else {
                unset($this->_data[$key]);
            }
            return $this;
        }

        public function hasData($key = '')
        {
            return $key === '' ? $this->_data !== [] : array_key_exists($key, $this->_data);
        }

        public function toArray(array $keys = [])
        {
            return $keys === [] ? $this->_data : array_intersect_key($this->_data, array_flip($keys));
        }

        public function __call($method, $args)
        {
            $key = strtolower((string) preg_replace('/(.)([A-Z])/', '$1_$2', substr($method, 3)));
            switch (substr($method, 0, 3)) {
                case 'get':
                    return $this->getData($key);
                case 'set':
                    return $this->setData($key, $args[0] ?? null);
                case 'uns':
                    return $this->unsetData($key);
                case 'has':
                    return isset($this->_data[$key]);
            }
            throw new \BadMethodCallException('Invalid method ' . static::class . '::' . $method);
        }
    }
}
