<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Observer;

use ExstreamConnect\Connector\Model\EventRecorder;
use Magento\Framework\Event\Observer;
use Magento\Framework\Event\ObserverInterface;
use Psr\Log\LoggerInterface;

/**
 * Base of every observer: the subclass decides which events happened, this class guarantees that
 * nothing it does can throw into the order/invoice/shipment save that dispatched the event.
 */
abstract class AbstractRecordingObserver implements ObserverInterface
{
    public function __construct(
        protected readonly EventRecorder $recorder,
        protected readonly LoggerInterface $logger
    ) {
    }

    public function execute(Observer $observer)
    {
        try {
            $this->handle($observer);
        } catch (\Throwable $e) {
            $this->logger->error('Exstream Connect observer failed; the save itself is unaffected', [
                'observer' => static::class,
                'exception' => $e->getMessage(),
            ]);
        }
    }

    abstract protected function handle(Observer $observer): void;

    /**
     * Magento leaves orig data empty on a model that was never loaded, i.e. one being created in
     * this request; the commit event of its first save still sees it that way.
     *
     * @param object $model
     */
    protected function isNew($model): bool
    {
        return method_exists($model, 'getOrigData') && empty($model->getOrigData('entity_id'));
    }
}
