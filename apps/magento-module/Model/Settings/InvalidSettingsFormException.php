<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model\Settings;

/**
 * A settings form value refused before anything is sent to the sidecar. Its field errors use the
 * sidecar's issue shape (path + message), so the admin reads them like the sidecar's own.
 */
class InvalidSettingsFormException extends \InvalidArgumentException
{
    /**
     * @param array<int, array{path: string, message: string}> $issues
     */
    public function __construct(private readonly array $issues)
    {
        parent::__construct('Invalid settings form');
    }

    /** @return array<int, array{path: string, message: string}> */
    public function getIssues(): array
    {
        return $this->issues;
    }
}
