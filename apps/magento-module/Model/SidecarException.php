<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

/**
 * A sidecar request that did not succeed. Status 0 means the request never got an HTTP answer
 * (timeout, connection refused, DNS): the sidecar is unreachable, not rejecting us.
 */
class SidecarException extends \RuntimeException
{
    /**
     * @param array<int, array{path: string, message: string}> $issues field errors from a 400
     */
    public function __construct(
        string $message,
        private readonly int $status = 0,
        private readonly ?string $errorCode = null,
        private readonly array $issues = [],
        private readonly ?int $retryAfter = null,
        ?\Throwable $previous = null
    ) {
        parent::__construct($message, $status, $previous);
    }

    public function getStatus(): int
    {
        return $this->status;
    }

    public function getErrorCode(): ?string
    {
        return $this->errorCode;
    }

    /** @return array<int, array{path: string, message: string}> */
    public function getIssues(): array
    {
        return $this->issues;
    }

    public function getRetryAfter(): ?int
    {
        return $this->retryAfter;
    }

    public function isUnreachable(): bool
    {
        return $this->status === 0;
    }

    /**
     * A 400 (invalid payload) or 413 (too large) will fail the same way every time; retrying
     * only delays the merchant seeing it.
     */
    public function isPermanent(): bool
    {
        return in_array($this->status, [400, 413, 422], true);
    }

    /** Message plus the field errors, short enough for an outbox row or an admin notice. */
    public function describe(): string
    {
        $text = $this->getMessage();
        $parts = [];
        foreach (array_slice($this->issues, 0, 10) as $issue) {
            $parts[] = ($issue['path'] ?? '') . ': ' . ($issue['message'] ?? '');
        }
        if ($parts !== []) {
            $text .= ' [' . implode('; ', $parts) . ']';
        }
        return mb_substr($text, 0, 2000);
    }
}
