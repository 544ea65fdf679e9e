<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Controller\Adminhtml\Statements;

use ExstreamConnect\Connector\Model\RemoteStores;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use Magento\Backend\App\Action;
use Magento\Backend\App\Action\Context;
use Magento\Framework\App\Action\HttpPostActionInterface;
use Magento\Framework\Controller\ResultFactory;

/**
 * "Run now for last period" on the settings page: POST /v1/statements/run for the chosen sidecar
 * store. The sidecar's worker runs it; the page lists the run and its progress.
 */
class Run extends Action implements HttpPostActionInterface
{
    public const ADMIN_RESOURCE = 'ExstreamConnect_Connector::settings';

    public function __construct(
        Context $context,
        private readonly RemoteStores $remoteStores,
        private readonly SidecarClient $client
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
            $answer = $this->client->startStatementRun($group['connection']);
            $run = isset($answer['run']) && is_array($answer['run']) ? $answer['run'] : [];
            $period = sprintf('%s – %s', (string) ($run['periodStart'] ?? '?'), (string) ($run['periodEnd'] ?? '?'));
            if (!empty($answer['started'])) {
                $this->messageManager->addSuccessMessage(__('Statement run started for %1.', $period));
            } else {
                $this->messageManager->addNoticeMessage(__('A statement run for %1 is already in progress.', $period));
            }
        } catch (SidecarException $e) {
            $this->messageManager->addErrorMessage(__('The sidecar did not start the statement run: %1', $e->getMessage()));
            foreach (array_slice($e->getIssues(), 0, 20) as $issue) {
                $this->messageManager->addErrorMessage(__('%1: %2', $issue['path'], $issue['message']));
            }
        }
        return $redirect;
    }
}
