<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Integration\Support;

use Magento\Framework\Api\SearchCriteria;
use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Sales\Api\Data\OrderSearchResultInterface;
use Magento\Sales\Api\OrderRepositoryInterface;
use Magento\Sales\Api\OrderStatusHistoryRepositoryInterface;
use Magento\Sales\Model\Order;

/**
 * The orders of the harness: searched the way FeedbackApplier searches them (increment id within
 * store views), and every status-history comment saved for them recorded.
 */
class RecordingOrders implements OrderRepositoryInterface, OrderStatusHistoryRepositoryInterface
{
    /** @var Order[] */
    private array $orders = [];

    /**
     * @param array<int, array{entity_id: int, increment_id: string, store_id: int}> $orders
     */
    public function __construct(array $orders, private readonly ActionLog $log)
    {
        foreach ($orders as $order) {
            $this->orders[] = new Order($order + ['status' => 'processing']);
        }
    }

    public function get($id)
    {
        foreach ($this->orders as $order) {
            if ((int) $order->getId() === (int) $id) {
                return $order;
            }
        }
        throw new NoSuchEntityException('No order ' . $id);
    }

    public function getList(SearchCriteria $searchCriteria)
    {
        $found = array_values(array_filter($this->orders, static function (Order $order) use ($searchCriteria): bool {
            foreach ((array) $searchCriteria->getData('filters') as [$field, $value, $condition]) {
                $actual = $order->getData($field);
                $match = $condition === 'in'
                    ? in_array((int) $actual, array_map('intval', (array) $value), true)
                    : (string) $actual === (string) $value;
                if (!$match) {
                    return false;
                }
            }
            return true;
        }));
        return new class ($found) implements OrderSearchResultInterface {
            /** @param Order[] $items */
            public function __construct(private readonly array $items)
            {
            }

            public function getItems()
            {
                return $this->items;
            }
        };
    }

    public function save($entity)
    {
        $this->log->record('orderComment', [
            'orderId' => $entity->getData('parent_id'),
            'comment' => $entity->getData('comment'),
            'customerNotified' => $entity->getData('is_customer_notified'),
            'visibleOnFront' => $entity->getData('is_visible_on_front'),
        ]);
        return $entity;
    }
}
