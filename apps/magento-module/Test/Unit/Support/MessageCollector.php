<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Support;

use Magento\Framework\Message\ManagerInterface;

/**
 * Collects admin messages as [type, text] pairs.
 */
final class MessageCollector implements ManagerInterface
{
    /** @var array<int, array{0: string, 1: string}> */
    public array $messages = [];

    public function addSuccessMessage($message, $group = null)
    {
        $this->messages[] = ['success', (string) $message];
        return $this;
    }

    public function addErrorMessage($message, $group = null)
    {
        $this->messages[] = ['error', (string) $message];
        return $this;
    }

    public function addWarningMessage($message, $group = null)
    {
        $this->messages[] = ['warning', (string) $message];
        return $this;
    }

    public function addNoticeMessage($message, $group = null)
    {
        $this->messages[] = ['notice', (string) $message];
        return $this;
    }
}
