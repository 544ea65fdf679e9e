<?php

declare(strict_types=1);

// Test stub of Magento\Newsletter\Model\Subscriber: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Newsletter\Model;

if (!class_exists(Subscriber::class, false)) {
    class Subscriber extends \Magento\Framework\Model\AbstractModel
    {
        public const STATUS_SUBSCRIBED = 1;
        public const STATUS_NOT_ACTIVE = 2;
        public const STATUS_UNSUBSCRIBED = 3;
        public const STATUS_UNCONFIRMED = 4;

        public function loadBySubscriberEmail(string $subscriberEmail, int $websiteId)
        {
            return $this;
        }

        public function unsubscribe()
        {
            $this->_data['subscriber_status'] = self::STATUS_UNSUBSCRIBED;
            return $this;
        }
    }
}
