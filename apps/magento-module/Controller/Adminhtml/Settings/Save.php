<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Controller\Adminhtml\Settings;

use ExstreamConnect\Connector\Model\RemoteStores;
use ExstreamConnect\Connector\Model\Settings\InvalidSettingsFormException;
use ExstreamConnect\Connector\Model\Settings\SettingsFormMapper;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use Magento\Backend\App\Action;
use Magento\Backend\App\Action\Context;
use Magento\Framework\App\Action\HttpPostActionInterface;
use Magento\Framework\Controller\ResultFactory;

/**
 * Saves the template-rules form with PUT /v1/settings. The sidecar validates; its field errors
 * (path + message) are shown to the merchant as they came, and so are the few the form mapper
 * refuses before sending.
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
            $update = $this->mapper->toUpdate($this->getRequest()->getParams());
        } catch (InvalidSettingsFormException $e) {
            $this->messageManager->addErrorMessage(__('The settings were not sent to the sidecar: a field is invalid.'));
            $this->addIssues($e->getIssues());
            return $redirect;
        }
        try {
            $this->client->putSettings($group['connection'], $update);
            $this->messageManager->addSuccessMessage(__('The settings were saved in the sidecar.'));
        } catch (SidecarException $e) {
            $this->messageManager->addErrorMessage(__('The sidecar did not save the settings: %1', $e->getMessage()));
            $this->addIssues($e->getIssues());
        }
        return $redirect;
    }

    /**
     * @param array<int, array{path: string, message: string}> $issues
     */
    private function addIssues(array $issues): void
    {
        foreach (array_slice($issues, 0, 20) as $issue) {
            $this->messageManager->addErrorMessage(__('%1: %2', $issue['path'], $issue['message']));
        }
    }
}
