<?php

declare(strict_types=1);

// Test stub of Magento\Framework\App\ResourceConnection: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\App;

if (!class_exists(ResourceConnection::class, false)) {
    class ResourceConnection
    {
        public function getConnection($resourceName = 'default')
        {
            throw new \LogicException('Stub ResourceConnection has no database; mock getConnection().');
        }

        public function getTableName($modelEntity, $connectionName = 'default')
        {
            return (string) $modelEntity;
        }
    }
}
