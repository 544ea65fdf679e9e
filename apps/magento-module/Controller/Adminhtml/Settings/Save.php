<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Controller\Adminhtml\Settings;

use ExstreamConnect\Connector\Model\RemoteStores;
use ExstreamConnect\Connector\Model\Settings\SettingsFormMapper;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use Magento\Backend\App\Action;
use Magento\Backend\App\Action\Context;
use Magento\Framework\App\Action\HttpPostActionInterface;
use Magento\Framework\Controller\ResultFactory;

/**
 * Saves the template-rules form with PUT /v1/settings. The sidecar validates; its field errors
 * (path + message) are shown to the merchant as they came.
 */
class Save extends Action implements HttpPostActionInterface
{
    public const ADMIN_RESOURCE = 'ExstreamConnect_Connector::settings';

    public function __construct(
        Context $context,
        private readonly RemoteStores $remoteStores,
        private readonly SidecarClient $client,
        private readonly SettingsFormMapper $mapper
    ) {
        parent::__construct($context);
    }

    public function execute()
    {
        $storeKey = (string) $this->getRequest()->getParam('store_key');
        /** @var \Magento\Framework\Controller\Result\Redirect $redirect */
        $redirect = $this->resultFactory->create(ResultFactory::TYPE_REDIRECT);
        $redirect->setPath('exstreamconnect/settings/index', $storeKey !== '' ? ['store_key' => $storeKey] : []);

        if (!$this->_formKeyValidator->validate($this->getRequest())) {
            $this->messageManager->addErrorMessage(__('Invalid form key. Reload the page and try again.'));
            return $redirect;
        }
        $group = $this->remoteStores->pick($storeKey !== '' ? $storeKey : null);
        if ($group === null || ($storeKey !== '' && $group['connection']->getStoreKey() !== $storeKey)) {
            $this->messageManager->addErrorMessage(__('No configured sidecar store matches this form.'));
            return $redirect;
        }
        try {
            $this->client->putSettings($group['connection'], $this->mapper->toUpdate($this->getRequest()->getParams()));
            $this->messageManager->addSuccessMessage(__('The settings were saved in the sidecar.'));
        } catch (SidecarException $e) {
            $this->messageManager->addErrorMessage(__('The sidecar did not save the settings: %1', $e->getMessage()));
            foreach (array_slice($e->getIssues(), 0, 20) as $issue) {
                $this->messageManager->addErrorMessage(__('%1: %2', $issue['path'], $issue['message']));
            }
        }
        return $redirect;
    }
}
