<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model\Settings;

/**
 * Turns the admin settings form (flat strings) into the sidecar's PUT /v1/settings body:
 * typed values, empty strings as null, the Exstream client secret only when the merchant typed a
 * new one (it is write-only: omitted keeps the stored secret). Values the sidecar must judge
 * (a close day of 31, due days "abc") are passed on as typed: its 400 names the field. The one
 * exception is the campaign batch window (see campaigns()).
 */
class SettingsFormMapper
{
    public const CHANNELS = ['email', 'print', 'web', 'sms', 'archive'];
    /** The engine's longest campaign batch window (MAX_CAMPAIGN_WINDOW_SECONDS): a reminder waits at most a day. */
    public const MAX_CAMPAIGN_WINDOW_SECONDS = 86400;
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
     * @throws InvalidSettingsFormException when the campaign batch window is not a whole number in range
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
        if (isset($post['campaigns']) && is_array($post['campaigns'])) {
            $update['campaigns'] = $this->campaigns($post['campaigns']);
        }
        return $update;
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
