<?php

declare(strict_types=1);

// Test stub of Magento\Sales\Model\Order: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Sales\Model;

if (!class_exists(Order::class, false)) {
    class Order extends \Magento\Framework\Model\AbstractModel
    {
        public const STATE_NEW = 'new';
        public const STATE_PENDING_PAYMENT = 'pending_payment';
        public const STATE_PROCESSING = 'processing';
        public const STATE_COMPLETE = 'complete';
        public const STATE_CLOSED = 'closed';
        public const STATE_CANCELED = 'canceled';
        public const STATE_HOLDED = 'holded';
        public const STATE_PAYMENT_REVIEW = 'payment_review';

        public function getAllItems()
        {
            return $this->_data['all_items'] ?? [];
        }

        public function addCommentToStatusHistory($comment, $status = false, $isVisibleOnFront = false)
        {
            $history = new \Magento\Sales\Model\Order\Status\History([
                'comment' => $comment,
                'status' => $status === false ? ($this->_data['status'] ?? null) : $status,
                'is_visible_on_front' => $isVisibleOnFront ? 1 : 0,
                'parent_id' => $this->getId(),
                'entity_name' => 'order',
            ]);
            $this->_data['status_histories'][] = $history;
            return $history;
        }
    }
}
