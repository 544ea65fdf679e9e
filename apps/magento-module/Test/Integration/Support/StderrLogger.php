<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Integration\Support;

use Psr\Log\LoggerInterface;

/**
 * Logs to stderr so stdout stays pure JSON.
 */
class StderrLogger implements LoggerInterface
{
    public function emergency($message, array $context = [])
    {
        $this->log('emergency', $message, $context);
    }

    public function alert($message, array $context = [])
    {
        $this->log('alert', $message, $context);
    }

    public function critical($message, array $context = [])
    {
        $this->log('critical', $message, $context);
    }

    public function error($message, array $context = [])
    {
        $this->log('error', $message, $context);
    }

    public function warning($message, array $context = [])
    {
        $this->log('warning', $message, $context);
    }

    public function notice($message, array $context = [])
    {
        $this->log('notice', $message, $context);
    }

    public function info($message, array $context = [])
    {
        $this->log('info', $message, $context);
    }

    public function debug($message, array $context = [])
    {
    }

    public function log($level, $message, array $context = [])
    {
        fwrite(STDERR, '[' . $level . '] ' . $message . ($context ? ' ' . json_encode($context) : '') . "\n");
    }
}
