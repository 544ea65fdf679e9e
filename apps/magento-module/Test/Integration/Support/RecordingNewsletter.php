<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Integration\Support;

use Magento\Newsletter\Model\SubscriberFactory;
use Magento\Newsletter\Model\SubscriptionManagerInterface;

/**
 * Magento's newsletter as the harness sees it: customer subscriptions changed by id, guest
 * subscribers found by address and website. Every change is recorded.
 */
class RecordingNewsletter extends SubscriberFactory implements SubscriptionManagerInterface
{
    /**
     * @param array<int, array{email: string, website_id: int, status: int}> $guests subscribed guests
     */
    public function __construct(private array $guests, private readonly ActionLog $log)
    {
    }

    public function create(array $data = [])
    {
        return new RecordingSubscriber($this->guests, $this->log);
    }

    public function subscribe(string $email, int $storeId)
    {
        $this->log->record('subscribe', ['email' => $email, 'storeId' => $storeId]);
    }

    public function unsubscribe(string $email, int $storeId, string $confirmCode)
    {
        $this->log->record('unsubscribe', ['email' => $email, 'storeId' => $storeId]);
    }

    public function subscribeCustomer(int $customerId, int $storeId)
    {
        $this->log->record('subscribeCustomer', ['customerId' => $customerId, 'storeId' => $storeId]);
    }

    public function unsubscribeCustomer(int $customerId, int $storeId)
    {
        $this->log->record('unsubscribeCustomer', ['customerId' => $customerId, 'storeId' => $storeId]);
    }
}
