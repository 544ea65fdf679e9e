<?php

declare(strict_types=1);

// Test stub of Magento\Framework\DB\Adapter\AdapterInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\DB\Adapter;

if (!interface_exists(AdapterInterface::class, false)) {
    interface AdapterInterface
    {
        public function select();

        public function fetchAll($sql, $bind = [], $fetchMode = null);

        public function fetchOne($sql, $bind = []);

        public function insertOnDuplicate($table, array $data, array $fields = []);

        public function update($table, array $bind, $where = '');

        public function delete($table, $where = '');
    }
}
