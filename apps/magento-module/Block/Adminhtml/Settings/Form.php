<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Block\Adminhtml\Settings;

use ExstreamConnect\Connector\Model\RemoteStores;
use ExstreamConnect\Connector\Model\Settings\SettingsFormMapper;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use Magento\Backend\Block\Template;
use Magento\Backend\Block\Template\Context;

/**
 * The template-rules page: loads GET /v1/settings from the chosen sidecar store and renders the
 * Exstream connection (secret write-only), the defaults, one editable row per rule, the
 * period-close statements section, the campaign and replenishment reminders sections and the
 * store's statement runs (GET /v1/statements/runs).
 */
class Form extends Template
{
    public const EVENT_KINDS = [
        'order.placed', 'order.invoiced', 'order.paid', 'fulfillment.created', 'fulfillment.updated',
        'shipment.delayed', 'order.backordered', 'order.cancelled', 'refund.created', 'credit_memo.created',
        'cart.abandoned', 'replenishment.due', 'statement.period_closed',
    ];
    public const DOCUMENT_TYPES = [
        'order_confirmation', 'invoice', 'packing_slip', 'shipping_notice', 'delivery_notice', 'delay_notice',
        'backorder_notice', 'cancellation', 'refund_confirmation', 'credit_memo', 'return_authorization',
        'return_update', 'payment_failure_notice', 'dispute_notice', 'warranty_document', 'compliance_document',
        'abandoned_cart_reminder', 'replenishment_reminder', 'account_statement',
    ];
    public const CHANNELS = ['email', 'print', 'web', 'sms', 'archive'];
    /** The sidecar's defaults, shown when it sends no statements section (an older sidecar). */
    public const STATEMENT_DEFAULTS = [
        'enabled' => false, 'closeDay' => 'last', 'dueDays' => 30, 'accounts' => 'company', 'paymentInstructions' => null,
    ];
    /** The sidecar's defaults, for a field its campaigns section leaves out. */
    public const CAMPAIGN_DEFAULTS = ['batch' => false, 'windowSeconds' => 300];
    public const MAX_CAMPAIGN_WINDOW_SECONDS = SettingsFormMapper::MAX_CAMPAIGN_WINDOW_SECONDS;
    /** The sidecar's defaults, for a field its replenishment section leaves out. */
    public const REPLENISHMENT_DEFAULTS = ['enabled' => false, 'intervals' => []];
    public const MAX_REPLENISHMENT_DAYS = SettingsFormMapper::MAX_REPLENISHMENT_DAYS;
    /** Empty interval rows under the saved ones: new intervals are typed in without JavaScript. */
    public const BLANK_INTERVAL_ROWS = 3;
    public const STATEMENT_ACCOUNTS = [
        'company' => 'Companies (Adobe Commerce B2B orders placed for a company)',
        'billing_company' => 'Customers whose billing address names a company',
    ];
    /** Run statuses that still move: the page offers a refresh while one is shown. */
    public const LIVE_RUN_STATUSES = ['queued', 'retrying', 'running', 'streaming', 'rendering'];

    /** @var string */
    // phpcs:ignore PSR2.Classes.PropertyDeclaration.Underscore -- Magento's property name
    protected $_template = 'ExstreamConnect_Connector::settings/form.phtml';

    /** @var array<string, mixed>|null */
    private ?array $settings = null;
    private ?string $loadError = null;
    private bool $loaded = false;
    /** @var array<int, array<string, mixed>>|null */
    private ?array $runs = null;
    private ?string $runsError = null;

    /**
     * @param array<string, mixed> $data
     */
    public function __construct(
        Context $context,
        private readonly RemoteStores $remoteStores,
        private readonly SidecarClient $client,
        array $data = []
    ) {
        parent::__construct($context, $data);
    }

    /** @return array<string, string> store key => label */
    public function getRemoteStoreOptions(): array
    {
        $options = [];
        foreach ($this->remoteStores->all() as $group) {
            $options[$group['connection']->getStoreKey()] = $group['label'];
        }
        return $options;
    }

    public function getSelectedStoreKey(): ?string
    {
        $group = $this->remoteStores->pick($this->requestedStoreKey());
        return $group === null ? null : $group['connection']->getStoreKey();
    }

    /** @return array<string, mixed>|null */
    public function getSettings(): ?array
    {
        $this->load();
        return $this->settings;
    }

    public function getLoadError(): ?string
    {
        $this->load();
        return $this->loadError;
    }

    /** @return array<int, array<string, mixed>> */
    public function getRules(): array
    {
        $settings = $this->getSettings();
        return isset($settings['rules']) && is_array($settings['rules'])
            ? array_values(array_filter($settings['rules'], 'is_array'))
            : [];
    }

    /** @return array<string, mixed> */
    public function getConnectionSettings(): array
    {
        $settings = $this->getSettings();
        return isset($settings['connection']) && is_array($settings['connection']) ? $settings['connection'] : [];
    }

    /** @return array<string, mixed> */
    public function getDefaults(): array
    {
        $settings = $this->getSettings();
        return isset($settings['defaults']) && is_array($settings['defaults']) ? $settings['defaults'] : [];
    }

    /** @return array<string, mixed> */
    public function getStatementSettings(): array
    {
        $settings = $this->getSettings();
        $statements = isset($settings['statements']) && is_array($settings['statements']) ? $settings['statements'] : [];
        return $statements + self::STATEMENT_DEFAULTS;
    }

    /**
     * Null when the sidecar sends no campaigns section: a sidecar older than batched reminders
     * refuses a settings update that has one, so the form must not post it (every save would fail).
     *
     * @return array{batch: mixed, windowSeconds: mixed}|null
     */
    public function getCampaignSettings(): ?array
    {
        $settings = $this->getSettings();
        if (!isset($settings['campaigns']) || !is_array($settings['campaigns'])) {
            return null;
        }
        return $settings['campaigns'] + self::CAMPAIGN_DEFAULTS;
    }

    /**
     * Null when the sidecar sends no replenishment section, for the reason given at
     * getCampaignSettings().
     *
     * @return array{enabled: mixed, intervals: array<int, array<string, mixed>>}|null
     */
    public function getReplenishmentSettings(): ?array
    {
        $settings = $this->getSettings();
        if (!isset($settings['replenishment']) || !is_array($settings['replenishment'])) {
            return null;
        }
        $replenishment = $settings['replenishment'] + self::REPLENISHMENT_DEFAULTS;
        $replenishment['intervals'] = is_array($replenishment['intervals'])
            ? array_values(array_filter($replenishment['intervals'], 'is_array'))
            : [];
        return $replenishment;
    }

    /**
     * The interval table's rows: the saved intervals, then blank rows, but never more rows than the
     * sidecar keeps (filling them all in would be refused).
     *
     * @return array<int, array<string, mixed>>
     */
    public function getReplenishmentRows(): array
    {
        $intervals = $this->getReplenishmentSettings()['intervals'] ?? [];
        $blank = max(0, min(self::BLANK_INTERVAL_ROWS, SettingsFormMapper::MAX_REPLENISHMENT_INTERVALS - count($intervals)));
        return array_merge($intervals, array_fill(0, $blank, ['skuPrefix' => '', 'days' => '']));
    }

    /** @return array<string, mixed> the payment instructions fields ('' when not set) */
    public function getPaymentInstructions(): array
    {
        $instructions = $this->getStatementSettings()['paymentInstructions'];
        return is_array($instructions) ? $instructions : [];
    }

    /** @return array<int, array<string, mixed>> the store's statement runs, newest first */
    public function getStatementRuns(): array
    {
        if ($this->runs === null) {
            $this->runs = [];
            $group = $this->remoteStores->pick($this->requestedStoreKey());
            if ($group !== null) {
                try {
                    $this->runs = array_reverse($this->client->getStatementRuns($group['connection']));
                } catch (SidecarException $e) {
                    $this->runsError = (string) __('Could not load the statement runs: %1', $e->describe());
                }
            }
        }
        return $this->runs;
    }

    public function getRunsError(): ?string
    {
        $this->getStatementRuns();
        return $this->runsError;
    }

    /**
     * What a run's progress bar shows: its step (the statement source is a stream of unknown length,
     * so the bar moves by phase) and a label with the true counts.
     *
     * @param array<string, mixed> $run
     * @return array{percent: int, label: string, live: bool}
     */
    public function runProgress(array $run): array
    {
        $status = $this->text($run['status'] ?? '');
        $accounts = (int) ($run['accounts'] ?? 0);
        $progress = isset($run['progress']) && is_array($run['progress']) ? $run['progress'] : [];
        $detail = $this->text($progress['detail'] ?? ($run['error'] ?? ''));
        $steps = [
            'queued' => [0, (string) __('Waiting for the sidecar\'s worker')],
            'retrying' => [0, (string) __('Retrying after an error: %1', $detail)],
            'running' => [5, (string) __('Starting')],
            'streaming' => [35, (string) __('%1 accounts planned and uploaded', $accounts)],
            'rendering' => [75, (string) __('Exstream is producing %1 statements', $accounts)],
            'sent' => [100, (string) __('%1 statements sent', $accounts)],
            'failed' => [100, (string) __('Failed: %1', $detail)],
            'no_accounts' => [100, (string) __('No account had activity or a balance: nothing to send')],
            'skipped' => [100, (string) __('Skipped: %1', $detail)],
            'cancelled' => [100, (string) __('Cancelled')],
        ];
        [$percent, $label] = $steps[$status] ?? [100, (string) __('Completed')];
        return ['percent' => $percent, 'label' => $label, 'live' => in_array($status, self::LIVE_RUN_STATUSES, true)];
    }

    public function getRunUrl(): string
    {
        return $this->getUrl('exstreamconnect/statements/run');
    }

    public function getRefreshUrl(): string
    {
        $key = $this->getSelectedStoreKey();
        return $this->getUrl('exstreamconnect/settings/index', $key !== null ? ['store_key' => $key] : []);
    }

    public function getSaveUrl(): string
    {
        return $this->getUrl('exstreamconnect/settings/save');
    }

    public function getSwitchUrl(): string
    {
        return $this->getUrl('exstreamconnect/settings/index');
    }

    /**
     * @param mixed $value
     */
    public function text($value): string
    {
        return is_scalar($value) ? (string) $value : '';
    }

    private function requestedStoreKey(): ?string
    {
        $key = $this->getRequest()->getParam('store_key');
        return is_string($key) && $key !== '' ? $key : null;
    }

    private function load(): void
    {
        if ($this->loaded) {
            return;
        }
        $this->loaded = true;
        $group = $this->remoteStores->pick($this->requestedStoreKey());
        if ($group === null) {
            $this->loadError = (string) __(
                'No store view has the module enabled with a sidecar URL, store key and shared secret.'
            );
            return;
        }
        try {
            $this->settings = $this->client->getSettings($group['connection']);
        } catch (SidecarException $e) {
            $this->loadError = (string) __('Could not load the settings from the sidecar: %1', $e->describe());
        }
    }
}
