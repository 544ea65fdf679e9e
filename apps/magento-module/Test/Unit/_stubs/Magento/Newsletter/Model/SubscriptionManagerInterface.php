<?php

declare(strict_types=1);

// Test stub of Magento\Newsletter\Model\SubscriptionManagerInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Newsletter\Model;

if (!interface_exists(SubscriptionManagerInterface::class, false)) {
    interface SubscriptionManagerInterface
    {
        public function subscribe(string $email, int $storeId);

        public function unsubscribe(string $email, int $storeId, string $confirmCode);

        public function subscribeCustomer(int $customerId, int $storeId);

        public function unsubscribeCustomer(int $customerId, int $storeId);
    }
}
