<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

/**
 * Where and as whom one scope talks to the sidecar. Built by Config for a store view, so a
 * multi-website installation can use several sidecar stores.
 */
class Connection
{
    /**
     * @param string $baseUrl sidecar base URL without trailing slash
     * @param string $storeKey the key the sidecar knows this store by
     * @param string $secret the shared HMAC secret (plaintext; never log it)
     * @param int $timeout request timeout in seconds
     */
    public function __construct(
        private readonly string $baseUrl,
        private readonly string $storeKey,
        private readonly string $secret,
        private readonly int $timeout
    ) {
    }

    public function getBaseUrl(): string
    {
        return $this->baseUrl;
    }

    public function getStoreKey(): string
    {
        return $this->storeKey;
    }

    public function getSecret(): string
    {
        return $this->secret;
    }

    public function getTimeout(): int
    {
        return $this->timeout;
    }

    public function withTimeout(int $timeout): self
    {
        return new self($this->baseUrl, $this->storeKey, $this->secret, $timeout);
    }

    /** Identity of the remote store, used to pull feedback once per sidecar store. */
    public function identity(): string
    {
        return $this->baseUrl . '|' . $this->storeKey;
    }
}
