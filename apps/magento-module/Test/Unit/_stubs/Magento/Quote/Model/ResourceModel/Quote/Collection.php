<?php

declare(strict_types=1);

// Test stub of Magento\Quote\Model\ResourceModel\Quote\Collection: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Quote\Model\ResourceModel\Quote;

if (!class_exists(Collection::class, false)) {
    class Collection implements \IteratorAggregate
    {
        /** @var array<int, array{0: string, 1: mixed}> recorded filters, for assertions */
        public $filters = [];
        /** @var array<int, object> */
        private $items;
        private $pageSize = null;

        public function __construct(array $items = [])
        {
            $this->items = $items;
        }

        public function addFieldToFilter($field, $condition = null)
        {
            $this->filters[] = [$field, $condition];
            return $this;
        }

        public function setOrder($field, $direction = 'DESC')
        {
            return $this;
        }

        public function setPageSize($size)
        {
            $this->pageSize = $size;
            return $this;
        }

        public function getIterator(): \Iterator
        {
            return new \ArrayIterator($this->pageSize === null ? $this->items : array_slice($this->items, 0, $this->pageSize));
        }
    }
}
