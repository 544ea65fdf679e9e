<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Block\Adminhtml\Order;

use Magento\Backend\Block\Template;

/**
 * Content of the order-view tab. The controller sets `timeline` (TimelineProvider::forOrder),
 * `order_id` and `increment_id`; the template escapes every value it prints.
 */
class Timeline extends Template
{
    /** @var string */
    // phpcs:ignore PSR2.Classes.PropertyDeclaration.Underscore -- Magento's property name
    protected $_template = 'ExstreamConnect_Connector::order/timeline.phtml';

    /** @return array{source: string, items: array<int, array<string, mixed>>, local: array<int, array<string, mixed>>, error: ?string} */
    public function getTimeline(): array
    {
        $timeline = $this->getData('timeline');
        return is_array($timeline)
            ? $timeline + ['source' => 'local', 'items' => [], 'local' => [], 'error' => null]
            : ['source' => 'local', 'items' => [], 'local' => [], 'error' => null];
    }

    public function getOrderId(): int
    {
        return (int) $this->getData('order_id');
    }

    public function canResend(): bool
    {
        return $this->_authorization->isAllowed('ExstreamConnect_Connector::resend');
    }

    public function getResendUrl(): string
    {
        return $this->getUrl('exstreamconnect/timeline/resend');
    }

    public function getDocumentUrl(string $communicationId): string
    {
        return $this->getUrl('exstreamconnect/timeline/document', [
            'order_id' => $this->getOrderId(),
            'id' => $communicationId,
        ]);
    }

    public function getRetryUrl(): string
    {
        return $this->getUrl('exstreamconnect/outbox/retry');
    }

    public function canRetry(): bool
    {
        return $this->_authorization->isAllowed('ExstreamConnect_Connector::outbox');
    }

    /**
     * data-mage-init JSON for a button that POSTs with the form key. A button plus a script-built
     * form avoids nesting forms inside the order page and needs no inline script (CSP).
     *
     * @param array<string, scalar> $params
     */
    public function postActionInit(string $url, array $params, ?string $confirm): string
    {
        return (string) json_encode([
            'ExstreamConnect_Connector/js/post-action' => [
                'url' => $url,
                'data' => $params + ['form_key' => $this->getFormKey()],
                'confirm' => $confirm,
            ],
        ], JSON_UNESCAPED_SLASHES);
    }

    public function label(string $code): string
    {
        return ucfirst(str_replace(['_', '.'], ' ', $code));
    }

    /** CSS modifier for a status; only known values reach the class attribute. */
    public function statusClass(string $status): string
    {
        $known = [
            'delivered' => 'notice', 'opened' => 'notice', 'sent' => 'notice',
            'failed' => 'critical', 'bounced' => 'critical',
            'queued' => 'minor', 'sending' => 'minor', 'pending' => 'minor', 'processing' => 'minor',
        ];
        return 'grid-severity-' . ($known[$status] ?? 'minor');
    }
}
