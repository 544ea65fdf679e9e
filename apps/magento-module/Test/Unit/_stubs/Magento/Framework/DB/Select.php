<?php

declare(strict_types=1);

// Test stub of Magento\Framework\DB\Select: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\DB;

if (!class_exists(Select::class, false)) {
    class Select
    {
        /** @var array<int, array<int, mixed>> recorded calls, for assertions */
        public $parts = [];

        public function from($name, $cols = '*', $schema = null)
        {
            $this->parts[] = ['from', $name, $cols];
            return $this;
        }

        public function where($cond, $value = null, $type = null)
        {
            $this->parts[] = ['where', $cond, $value];
            return $this;
        }

        public function order($spec)
        {
            $this->parts[] = ['order', $spec];
            return $this;
        }

        public function group($spec)
        {
            $this->parts[] = ['group', $spec];
            return $this;
        }

        public function limit($count = null, $offset = null)
        {
            $this->parts[] = ['limit', $count];
            return $this;
        }
    }
}
