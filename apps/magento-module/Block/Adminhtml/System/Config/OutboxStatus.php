<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Block\Adminhtml\System\Config;

use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use Magento\Backend\Block\Template\Context;
use Magento\Config\Block\System\Config\Form\Field;
use Magento\Framework\Data\Form\Element\AbstractElement;

/**
 * Read-only line on the configuration page: how many events wait, how many failed, and when the
 * last one was delivered, so a stopped cron is visible where the merchant configures the module.
 */
class OutboxStatus extends Field
{
    /**
     * @param array<string, mixed> $data
     */
    public function __construct(
        Context $context,
        private readonly OutboxStore $outbox,
        array $data = []
    ) {
        parent::__construct($context, $data);
    }

    public function render(AbstractElement $element)
    {
        $element->unsScope()->unsCanUseWebsiteValue()->unsCanUseDefaultValue();
        return parent::render($element);
    }

    // phpcs:ignore PSR2.Methods.MethodDeclaration.Underscore -- overrides Magento's method
    protected function _getElementHtml(AbstractElement $element)
    {
        try {
            $counts = $this->outbox->countByStatus();
            $last = $this->outbox->lastSentAt();
        } catch (\Throwable $e) {
            return $this->escapeHtml(__('The outbox table is not available (run bin/magento setup:upgrade).'));
        }
        $text = __(
            'Waiting: %1, failed: %2, sent: %3. Last delivery: %4 (UTC).',
            ($counts[OutboxStore::STATUS_PENDING] ?? 0) + ($counts[OutboxStore::STATUS_PROCESSING] ?? 0),
            $counts[OutboxStore::STATUS_FAILED] ?? 0,
            $counts[OutboxStore::STATUS_SENT] ?? 0,
            $last ?? __('never')
        );
        return $this->escapeHtml($text) . ' <a href="'
            . $this->escapeUrl($this->getUrl('exstreamconnect/outbox/index')) . '">'
            . $this->escapeHtml(__('Open the delivery queue')) . '</a>';
    }
}
