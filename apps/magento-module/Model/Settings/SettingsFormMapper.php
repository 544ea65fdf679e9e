<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model\Settings;

/**
 * Turns the admin settings form (flat strings) into the sidecar's PUT /v1/settings body:
 * typed values, empty strings as null, the Exstream client secret only when the merchant typed a
 * new one (it is write-only: omitted keeps the stored secret). Values the sidecar must judge
 * (a close day of 31, due days "abc") are passed on as typed: its 400 names the field. The
 * exceptions are the campaign batch window (see campaigns()) and the replenishment rows (see
 * replenishment()).
 */
class SettingsFormMapper
{
    public const CHANNELS = ['email', 'print', 'web', 'sms', 'archive'];
    /** The engine's longest campaign batch window (MAX_CAMPAIGN_WINDOW_SECONDS): a reminder waits at most a day. */
    public const MAX_CAMPAIGN_WINDOW_SECONDS = 86400;
    /** The engine's range for a replenishment interval (ZReplenishmentInterval.days): up to two years. */
    public const MAX_REPLENISHMENT_DAYS = 730;
    /** The engine's longest replenishment interval list: the form offers no blank row beyond it. */
    public const MAX_REPLENISHMENT_INTERVALS = 50;
    /** Connection form field => the sidecar's serviceNames key. It replaces them all: each one is a form field. */
    private const SERVICE_FIELDS = [
        'serviceOnDemand' => 'onDemand', 'serviceBatch' => 'batch', 'serviceStatements' => 'statements',
        'serviceCampaigns' => 'campaigns',
    ];
    private const NULLABLE_RULE_FIELDS = [
        'brand', 'locale', 'productType', 'skuPrefix', 'tag', 'country', 'communicationId', 'serviceName',
    ];

    /**
     * @param array<string, mixed> $post the request's POST parameters
     * @return array<string, mixed>
     * @throws InvalidSettingsFormException when the campaign batch window or a replenishment row is invalid
     */
    public function toUpdate(array $post): array
    {
        $update = ['rules' => $this->rules((array) ($post['rules'] ?? []))];

        $defaults = [];
        foreach (['brand', 'locale', 'channel'] as $field) {
            $value = trim((string) ($post['defaults'][$field] ?? ''));
            if ($value !== '') {
                $defaults[$field] = $value;
            }
        }
        if ($defaults !== []) {
            $update['defaults'] = $defaults;
        }

        $connection = (array) ($post['connection'] ?? []);
        if (trim((string) ($connection['baseUrl'] ?? '')) !== '') {
            $update['connection'] = $this->connection($connection);
        }
        // Only a form that has the Statements section changes the statement settings.
        if (isset($post['statements']) && is_array($post['statements'])) {
            $update['statements'] = $this->statements($post['statements']);
        }
        // A section missing from the form (an older sidecar's page hides it) is not sent: that sidecar's
        // strict schema would refuse the whole save. Both sections are checked before either refusal
        // is raised, so one save shows every field to fix.
        $issues = [];
        $checked = [
            'campaigns' => fn (array $form): array => $this->campaigns($form),
            'replenishment' => fn (array $form): array => $this->replenishment($form),
        ];
        foreach ($checked as $section => $map) {
            if (!isset($post[$section]) || !is_array($post[$section])) {
                continue;
            }
            try {
                $update[$section] = $map($post[$section]);
            } catch (InvalidSettingsFormException $e) {
                $issues = array_merge($issues, $e->getIssues());
            }
        }
        if ($issues !== []) {
            throw new InvalidSettingsFormException($issues);
        }
        return $update;
    }

    /**
     * The Replenishment reminders section. The form always shows a few blank rows, so a blank row
     * means "nothing here" and is dropped; the list sent replaces the stored one. The day count is
     * checked here, like the campaign window: the engine's refusal would name neither the prefix nor
     * the range. A row with days but no prefix is refused rather than dropped: what the merchant
     * typed would otherwise vanish without a word. Issue paths index the rows
     * sent, as the sidecar's do. Duplicate prefixes are left to the sidecar: it compares them after
     * its own trimming, and its issue names the list.
     *
     * @param array<string, mixed> $form
     * @return array{enabled: bool, intervals: array<int, array{skuPrefix: string, days: int}>}
     */
    private function replenishment(array $form): array
    {
        $field = static function (array $row, string $key): string {
            $value = $row[$key] ?? '';
            return is_scalar($value) ? trim((string) $value) : '';
        };
        $range = (string) __('a whole number of days from 1 to %1', self::MAX_REPLENISHMENT_DAYS);
        $intervals = [];
        $issues = [];
        $rows = isset($form['intervals']) && is_array($form['intervals']) ? $form['intervals'] : [];
        foreach ($rows as $row) {
            if (!is_array($row)) {
                continue;
            }
            $prefix = $field($row, 'skuPrefix');
            $days = $field($row, 'days');
            if ($prefix === '' && $days === '') {
                continue;
            }
            $path = 'replenishment.intervals.' . count($intervals);
            $shownPrefix = mb_substr($prefix, 0, 100);
            if ($prefix === '') {
                $issues[] = [
                    'path' => $path . '.skuPrefix',
                    'message' => (string) __(
                        'SKU prefix is required in the row whose days after the order are "%1" (empty the row to remove it)',
                        mb_substr($days, 0, 40)
                    ),
                ];
            } elseif ($days === '') {
                $issues[] = [
                    'path' => $path . '.days',
                    'message' => (string) __('Days after the order for SKU prefix "%1" is required: %2', $shownPrefix, $range),
                ];
            } elseif (preg_match('/^\d{1,9}$/', $days) !== 1 || (int) $days < 1 || (int) $days > self::MAX_REPLENISHMENT_DAYS) {
                $issues[] = [
                    'path' => $path . '.days',
                    'message' => (string) __(
                        'Days after the order for SKU prefix "%1" must be %2, not "%3"',
                        $shownPrefix,
                        $range,
                        mb_substr($days, 0, 40)
                    ),
                ];
            }
            $intervals[] = ['skuPrefix' => $prefix, 'days' => (int) $days];
        }
        if ($issues !== []) {
            throw new InvalidSettingsFormException($issues);
        }
        return ['enabled' => !empty($form['enabled']), 'intervals' => $intervals];
    }

    /**
     * The Campaign reminders section. The window is checked here rather than left to the sidecar:
     * its refusal would quote the engine's schema ("Too big: expected number to be <=86400"), while
     * the merchant needs the field's name and its range. A blank window is refused too: it is always
     * shown filled in, so blank means the merchant cleared it, not "keep the stored one".
     *
     * @param array<string, mixed> $form
     * @return array{batch: bool, windowSeconds: int}
     */
    private function campaigns(array $form): array
    {
        $raw = $form['windowSeconds'] ?? '';
        $window = is_scalar($raw) ? trim((string) $raw) : '';
        if (
            preg_match('/^\d{1,9}$/', $window) !== 1
            || (int) $window < 1
            || (int) $window > self::MAX_CAMPAIGN_WINDOW_SECONDS
        ) {
            $range = (string) __('a whole number of seconds from 1 to %1 (one day)', self::MAX_CAMPAIGN_WINDOW_SECONDS);
            throw new InvalidSettingsFormException([[
                'path' => 'campaigns.windowSeconds',
                'message' => $window === ''
                    ? (string) __('Batch window (seconds) is required: %1', $range)
                    : (string) __('Batch window (seconds) must be %1, not "%2"', $range, mb_substr($window, 0, 40)),
            ]]);
        }
        return ['batch' => !empty($form['batch']), 'windowSeconds' => (int) $window];
    }

    /**
     * The Statements section: every field is sent (blank numbers as null, which the sidecar refuses
     * naming the field); payment instructions are null when all their fields are blank, otherwise
     * their text is required.
     *
     * @param array<string, mixed> $form
     * @return array<string, mixed>
     */
    private function statements(array $form): array
    {
        $text = static function (string $field) use ($form): ?string {
            $value = trim((string) ($form[$field] ?? ''));
            return $value === '' ? null : $value;
        };
        // IBAN and BIC are typed in groups ("FR76 3000 6000 …"); the sidecar wants them bare.
        $compact = static fn (?string $value): ?string => $value === null ? null : strtoupper((string) preg_replace('/\s+/', '', $value));
        $instructions = [
            'instructions' => $text('paymentInstructions'),
            'reference' => $text('paymentReference'),
            'payUrl' => $text('payUrl'),
            'iban' => $compact($text('iban')),
            'bic' => $compact($text('bic')),
            'bankName' => $text('bankName'),
            'accountHolder' => $text('accountHolder'),
        ];
        $anyInstruction = array_filter($instructions, static fn (?string $value): bool => $value !== null) !== [];
        if ($anyInstruction) {
            $instructions['instructions'] ??= '';
        }
        $closeDay = $text('closeDay');
        return [
            'enabled' => !empty($form['enabled']),
            'closeDay' => $closeDay === 'last' ? 'last' : $this->wholeNumber($closeDay),
            'dueDays' => $this->wholeNumber($text('dueDays')),
            'accounts' => $text('accounts'),
            'paymentInstructions' => $anyInstruction ? $instructions : null,
        ];
    }

    /** @return int|string|null a whole number as an int; anything else as typed */
    private function wholeNumber(?string $value)
    {
        return $value !== null && preg_match('/^-?\d+$/', $value) === 1 ? (int) $value : $value;
    }

    /**
     * @param array<string, mixed> $connection
     * @return array<string, mixed>
     */
    private function connection(array $connection): array
    {
        $out = [
            'baseUrl' => trim((string) ($connection['baseUrl'] ?? '')),
            'domain' => trim((string) ($connection['domain'] ?? '')),
            'tokenUrl' => trim((string) ($connection['tokenUrl'] ?? '')),
            'clientId' => trim((string) ($connection['clientId'] ?? '')),
        ];
        $secret = (string) ($connection['clientSecret'] ?? '');
        if ($secret !== '') {
            $out['clientSecret'] = $secret;
        }
        $serviceNames = [];
        foreach (self::SERVICE_FIELDS as $field => $key) {
            $name = trim((string) ($connection[$field] ?? ''));
            if ($name !== '') {
                $serviceNames[$key] = $name;
            }
        }
        if ($serviceNames !== []) {
            $out['serviceNames'] = $serviceNames;
        }
        $defaultCommunication = trim((string) ($connection['defaultCommunicationId'] ?? ''));
        $out['defaultCommunicationId'] = $defaultCommunication === '' ? null : $defaultCommunication;
        return $out;
    }

    /**
     * @param array<int|string, mixed> $rows
     * @return array<int, array<string, mixed>>
     */
    private function rules(array $rows): array
    {
        $rules = [];
        foreach ($rows as $row) {
            if (!is_array($row) || !empty($row['delete'])) {
                continue;
            }
            $eventKind = trim((string) ($row['eventKind'] ?? ''));
            $documentType = trim((string) ($row['documentType'] ?? ''));
            if ($eventKind === '' && $documentType === '') {
                // The blank "new rule" row left empty.
                continue;
            }
            $rule = [
                'eventKind' => $eventKind,
                'documentType' => $documentType,
                'channel' => trim((string) ($row['channel'] ?? 'email')),
                'fallbackChannels' => $this->channelList($row['fallbackChannels'] ?? []),
                'templateVersion' => trim((string) ($row['templateVersion'] ?? '')) ?: '1',
                'priority' => (int) ($row['priority'] ?? 0),
                'enabled' => !empty($row['enabled']),
            ];
            $id = trim((string) ($row['id'] ?? ''));
            if ($id !== '') {
                $rule['id'] = $id;
            }
            foreach (self::NULLABLE_RULE_FIELDS as $field) {
                $value = trim((string) ($row[$field] ?? ''));
                $rule[$field] = $value === '' ? null : $value;
            }
            if ($rule['country'] !== null) {
                $rule['country'] = strtoupper($rule['country']);
            }
            $rules[] = $rule;
        }
        return $rules;
    }

    /**
     * @param mixed $value an array from a multiselect or a comma separated string
     * @return string[]
     */
    private function channelList($value): array
    {
        $list = is_array($value) ? $value : explode(',', (string) $value);
        $channels = [];
        foreach ($list as $channel) {
            $channel = trim((string) $channel);
            if (in_array($channel, self::CHANNELS, true) && !in_array($channel, $channels, true)) {
                $channels[] = $channel;
            }
        }
        return $channels;
    }
}
