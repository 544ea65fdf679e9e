<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Api\SearchCriteriaBuilder: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Api;

if (!class_exists(SearchCriteriaBuilder::class, false)) {
    class SearchCriteriaBuilder
    {
        /** @var array<int, array{0: string, 1: mixed, 2: string}> */
        private $filters = [];
        private $pageSize = null;

        public function addFilter($field, $value, $conditionType = 'eq')
        {
            $this->filters[] = [$field, $value, $conditionType];
            return $this;
        }

        public function setPageSize($pageSize)
        {
            $this->pageSize = $pageSize;
            return $this;
        }

        public function create()
        {
            $criteria = new \Magento\Framework\Api\SearchCriteria(['filters' => $this->filters, 'page_size' => $this->pageSize]);
            $this->filters = [];
            $this->pageSize = null;
            return $criteria;
        }
    }
}
