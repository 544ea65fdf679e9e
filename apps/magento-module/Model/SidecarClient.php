<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

use Magento\Framework\HTTP\Client\Curl;
use Magento\Framework\HTTP\Client\CurlFactory;
use Psr\Log\LoggerInterface;

/**
 * Talks to the Exstream Connect sidecar. Every request but /healthz is signed (see Signer), uses
 * a fresh Curl (headers must not leak between requests) and a short timeout. Only cron jobs and
 * admin controllers call this class, never code running inside a shopper's request.
 */
class SidecarClient
{
    private const MAX_ERROR_BODY = 500;

    public function __construct(
        private readonly CurlFactory $curlFactory,
        private readonly Signer $signer,
        private readonly Clock $clock,
        private readonly LoggerInterface $logger
    ) {
    }

    /**
     * Posts an already serialised envelope. The raw string is signed and sent byte for byte, so
     * a retry sends exactly what the first attempt sent.
     */
    public function postEvent(Connection $connection, string $rawEnvelope): SidecarResponse
    {
        return $this->send($connection, 'POST', '/v1/events', $rawEnvelope);
    }

    /**
     * @return array<int, array<string, mixed>> the order's timeline entries
     */
    public function getTimeline(Connection $connection, string $incrementId): array
    {
        $response = $this->send(
            $connection,
            'GET',
            '/v1/orders/' . rawurlencode($incrementId) . '/communications'
        );
        $json = $response->getJson();
        if (!is_array($json) || !isset($json['items']) || !is_array($json['items'])) {
            throw new SidecarException('The sidecar answered the timeline request without an items list', 502);
        }
        return array_values(array_filter($json['items'], 'is_array'));
    }

    public function getDocument(Connection $connection, string $communicationId): SidecarResponse
    {
        return $this->send($connection, 'GET', '/v1/documents/' . rawurlencode($communicationId));
    }

    /** @return array<string, mixed> */
    public function resend(Connection $connection, string $communicationId): array
    {
        $response = $this->send(
            $connection,
            'POST',
            '/v1/communications/' . rawurlencode($communicationId) . '/resend',
            '{}'
        );
        return $this->objectOf($response);
    }

    /** @return array<string, mixed> */
    public function getSettings(Connection $connection): array
    {
        return $this->objectOf($this->send($connection, 'GET', '/v1/settings'));
    }

    /**
     * @param array<string, mixed> $update partial settings (connection, rules, defaults ...)
     * @return array<string, mixed> the settings after the update
     */
    public function putSettings(Connection $connection, array $update): array
    {
        return $this->objectOf($this->send($connection, 'PUT', '/v1/settings', $this->encode($update)));
    }

    /**
     * Starts a statement run (the sidecar's worker runs it): the latest closed period, or the one
     * ending on $periodEnd (YYYY-MM-DD).
     *
     * @return array<string, mixed> { started: bool, run: { id, periodStart, periodEnd, status, accounts, ... } }
     */
    public function startStatementRun(Connection $connection, ?string $periodEnd = null): array
    {
        $body = $periodEnd === null || $periodEnd === '' ? '{}' : $this->encode(['periodEnd' => $periodEnd]);
        return $this->objectOf($this->send($connection, 'POST', '/v1/statements/run', $body));
    }

    /**
     * @return array<int, array<string, mixed>> the store's statement runs, oldest first
     */
    public function getStatementRuns(Connection $connection): array
    {
        $json = $this->objectOf($this->send($connection, 'GET', '/v1/statements/runs'));
        if (!isset($json['runs']) || !is_array($json['runs'])) {
            throw new SidecarException('The sidecar answered the statement runs request without a runs list', 502);
        }
        return array_values(array_filter($json['runs'], 'is_array'));
    }

    /** @return array<string, mixed> { ok, version?, error?, latencyMs } */
    public function testConnection(Connection $connection): array
    {
        return $this->objectOf($this->send($connection, 'POST', '/v1/settings/test', '{}'));
    }

    /**
     * @return array{items: array<int, array<string, mixed>>, nextCursor: ?string}
     */
    public function getFeedback(Connection $connection, ?string $cursor): array
    {
        $path = '/v1/feedback' . ($cursor !== null && $cursor !== '' ? '?after=' . rawurlencode($cursor) : '');
        $json = $this->objectOf($this->send($connection, 'GET', $path));
        $items = isset($json['items']) && is_array($json['items']) ? array_values(array_filter($json['items'], 'is_array')) : [];
        $next = isset($json['nextCursor']) && is_scalar($json['nextCursor']) ? (string) $json['nextCursor'] : null;
        return ['items' => $items, 'nextCursor' => $next];
    }

    /** Unsigned liveness probe. */
    public function health(Connection $connection): bool
    {
        try {
            return $this->send($connection, 'GET', '/healthz', '', false)->getStatus() === 200;
        } catch (SidecarException $e) {
            return false;
        }
    }

    /**
     * @throws SidecarException on transport errors (status 0) and non-2xx answers
     */
    public function send(
        Connection $connection,
        string $method,
        string $path,
        string $rawBody = '',
        bool $signed = true
    ): SidecarResponse {
        $method = strtoupper($method);
        if ($method === 'GET') {
            $rawBody = '';
        }
        $url = $connection->getBaseUrl() . $path;
        // The sidecar sees the full request target; when the base URL has a path prefix it is part of it.
        $signedPath = (string) (parse_url($connection->getBaseUrl(), PHP_URL_PATH) ?? '') . $path;

        $curl = $this->curlFactory->create();
        $curl->setTimeout($connection->getTimeout());
        $curl->setOption(CURLOPT_CONNECTTIMEOUT, min(3, $connection->getTimeout()));
        $curl->setOption(CURLOPT_FOLLOWLOCATION, false);
        $headers = ['Accept' => 'application/json, application/pdf'];
        if ($signed) {
            $headers[Signer::STORE_HEADER] = $connection->getStoreKey();
            $headers[Signer::SIGNATURE_HEADER] = $this->signer->header(
                $connection->getSecret(),
                $this->clock->now(),
                $method,
                $signedPath,
                $rawBody
            );
        }
        if ($method !== 'GET') {
            $headers['Content-Type'] = 'application/json';
        }
        $curl->setHeaders($headers);

        try {
            if ($method === 'GET') {
                $curl->get($url);
            } else {
                if ($method !== 'POST') {
                    // Curl only knows GET and POST; the custom verb keeps the POST body.
                    $curl->setOption(CURLOPT_CUSTOMREQUEST, $method);
                }
                $curl->post($url, $rawBody);
            }
        } catch (\Throwable $e) {
            $this->logger->warning('Exstream sidecar unreachable', [
                'method' => $method,
                'path' => $path,
                'error' => $e->getMessage(),
            ]);
            throw new SidecarException('Sidecar unreachable: ' . $e->getMessage(), 0, 'UNREACHABLE', [], null, $e);
        }

        $status = (int) $curl->getStatus();
        $body = (string) $curl->getBody();
        $responseHeaders = $this->normaliseHeaders($curl->getHeaders());
        $json = $this->decodeIfJson($body, $responseHeaders['content-type'] ?? '');

        if ($status >= 200 && $status < 300) {
            return new SidecarResponse($status, $body, $responseHeaders, $json);
        }
        throw $this->errorFor($status, $body, $json, $responseHeaders, $method, $path);
    }

    /**
     * @param mixed $json
     * @param array<string, string> $headers
     */
    private function errorFor(
        int $status,
        string $body,
        $json,
        array $headers,
        string $method,
        string $path
    ): SidecarException {
        $code = null;
        $message = 'Sidecar answered HTTP ' . $status;
        $issues = [];
        if (is_array($json) && isset($json['error']) && is_array($json['error'])) {
            $error = $json['error'];
            $code = isset($error['code']) && is_string($error['code']) ? $error['code'] : null;
            if (isset($error['message']) && is_string($error['message'])) {
                $message .= ': ' . $error['message'];
            }
            foreach ((array) ($error['issues'] ?? []) as $issue) {
                if (is_array($issue)) {
                    $issues[] = [
                        'path' => is_scalar($issue['path'] ?? null) ? (string) $issue['path'] : '',
                        'message' => is_scalar($issue['message'] ?? null) ? (string) $issue['message'] : '',
                    ];
                }
            }
        } elseif ($body !== '') {
            $message .= ': ' . mb_substr(strip_tags($body), 0, self::MAX_ERROR_BODY);
        }
        if ($status === 401) {
            $message .= ' (check the store key and shared secret, and that the server clocks agree)';
        }
        $retryAfter = null;
        if (isset($headers['retry-after']) && ctype_digit(trim($headers['retry-after']))) {
            $retryAfter = (int) trim($headers['retry-after']);
        }
        $this->logger->warning('Exstream sidecar rejected a request', [
            'method' => $method,
            'path' => $path,
            'status' => $status,
            'code' => $code,
        ]);
        return new SidecarException($message, $status, $code, $issues, $retryAfter);
    }

    /**
     * @param mixed $headers
     * @return array<string, string>
     */
    private function normaliseHeaders($headers): array
    {
        $out = [];
        foreach (is_array($headers) ? $headers : [] as $name => $value) {
            $out[strtolower((string) $name)] = is_array($value) ? (string) end($value) : (string) $value;
        }
        return $out;
    }

    /**
     * @return mixed
     */
    private function decodeIfJson(string $body, string $contentType)
    {
        if ($body === '' || ($contentType !== '' && stripos($contentType, 'json') === false)) {
            return null;
        }
        try {
            return json_decode($body, true, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            return null;
        }
    }

    /** @return array<string, mixed> */
    private function objectOf(SidecarResponse $response): array
    {
        $json = $response->getJson();
        if (!is_array($json)) {
            throw new SidecarException('The sidecar answered without a JSON object', 502);
        }
        return $json;
    }

    /**
     * @param array<string, mixed> $data
     */
    private function encode(array $data): string
    {
        return json_encode($data, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }
}
