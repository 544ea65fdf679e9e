<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

/**
 * A 2xx answer from the sidecar.
 */
class SidecarResponse
{
    /**
     * @param array<string, string> $headers lower-cased header names
     * @param mixed $json decoded body when it was JSON, else null
     */
    public function __construct(
        private readonly int $status,
        private readonly string $body,
        private readonly array $headers = [],
        private $json = null
    ) {
    }

    public function getStatus(): int
    {
        return $this->status;
    }

    public function getBody(): string
    {
        return $this->body;
    }

    public function getHeader(string $name): ?string
    {
        return $this->headers[strtolower($name)] ?? null;
    }

    /** @return mixed */
    public function getJson()
    {
        return $this->json;
    }
}
