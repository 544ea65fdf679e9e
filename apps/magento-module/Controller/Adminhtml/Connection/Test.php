<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Controller\Adminhtml\Connection;

use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use Magento\Backend\App\Action;
use Magento\Backend\App\Action\Context;
use Magento\Framework\App\Action\HttpPostActionInterface;
use Magento\Framework\Controller\ResultFactory;
use Magento\Store\Model\StoreManagerInterface;

/**
 * "Test connection" on the configuration page: a signed POST /v1/settings/test with the SAVED
 * configuration of the scope being edited. Proves URL, store key, secret and clock, and the
 * sidecar's own connection to Exstream.
 */
class Test extends Action implements HttpPostActionInterface
{
    public const ADMIN_RESOURCE = 'ExstreamConnect_Connector::config';

    public function __construct(
        Context $context,
        private readonly Config $config,
        private readonly SidecarClient $client,
        private readonly StoreManagerInterface $storeManager
    ) {
        parent::__construct($context);
    }

    public function execute()
    {
        /** @var \Magento\Framework\Controller\Result\Json $result */
        $result = $this->resultFactory->create(ResultFactory::TYPE_JSON);
        if (!$this->_formKeyValidator->validate($this->getRequest())) {
            return $result->setData(['ok' => false, 'message' => (string) __('Invalid form key. Reload the page.')]);
        }
        $connection = $this->config->getConnection($this->scopeStoreId());
        if ($connection === null) {
            return $result->setData([
                'ok' => false,
                'message' => (string) __('Enable the module and save the sidecar URL, store key and shared secret first.'),
            ]);
        }
        try {
            $answer = $this->client->testConnection($connection);
        } catch (SidecarException $e) {
            if ($e->isUnreachable()) {
                $message = __('The sidecar could not be reached at %1: %2', $connection->getBaseUrl(), $e->getMessage());
            } elseif ($e->getStatus() === 401) {
                $message = __('The sidecar rejected the store key or shared secret (or the server clocks differ by more than 5 minutes).');
            } else {
                $message = __('The sidecar answered with an error: %1', $e->describe());
            }
            return $result->setData(['ok' => false, 'message' => (string) $message]);
        }
        if (!empty($answer['ok'])) {
            return $result->setData(['ok' => true, 'message' => (string) __(
                'Connected: the sidecar accepted the signature and reached Exstream (version %1, %2 ms).',
                (string) ($answer['version'] ?? '?'),
                (int) ($answer['latencyMs'] ?? 0)
            )]);
        }
        return $result->setData(['ok' => false, 'message' => (string) __(
            'The sidecar accepted the signature but could not reach Exstream: %1',
            (string) ($answer['error'] ?? __('no detail'))
        )]);
    }

    /** The store view whose configuration applies to the scope open in the config page. */
    private function scopeStoreId(): int
    {
        $store = $this->getRequest()->getParam('store');
        if ($store !== null && $store !== '') {
            return (int) $store;
        }
        $website = $this->getRequest()->getParam('website');
        if ($website !== null && $website !== '') {
            $default = $this->storeManager->getWebsite((int) $website)->getDefaultStore();
            return $default ? (int) $default->getId() : 0;
        }
        $default = $this->storeManager->getDefaultStoreView();
        return $default ? (int) $default->getId() : 0;
    }
}
