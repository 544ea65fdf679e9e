<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Integration\Support;

use Magento\Newsletter\Model\Subscriber;

/**
 * A newsletter subscriber loaded by address within one website, as Magento's is.
 */
class RecordingSubscriber extends Subscriber
{
    /**
     * @param array<int, array{email: string, website_id: int, status: int}> $guests
     */
    public function __construct(private array $guests, private readonly ActionLog $log)
    {
        parent::__construct([]);
    }

    public function loadBySubscriberEmail(string $subscriberEmail, int $websiteId)
    {
        $this->log->record('loadSubscriber', ['email' => $subscriberEmail, 'websiteId' => $websiteId]);
        foreach ($this->guests as $guest) {
            if (strcasecmp($guest['email'], $subscriberEmail) === 0 && (int) $guest['website_id'] === $websiteId) {
                $this->setData([
                    'subscriber_id' => 1, 'id' => 1, 'subscriber_email' => $guest['email'],
                    'website_id' => $websiteId, 'subscriber_status' => (int) $guest['status'],
                ]);
            }
        }
        return $this;
    }

    public function unsubscribe()
    {
        $this->log->record('unsubscribeGuest', [
            'email' => $this->getData('subscriber_email'), 'websiteId' => $this->getData('website_id'),
        ]);
        return parent::unsubscribe();
    }
}
