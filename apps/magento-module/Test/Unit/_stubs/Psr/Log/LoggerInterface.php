<?php

declare(strict_types=1);

// Test stub of Psr\Log\LoggerInterface: only what the module touches. Skipped when the real class is loaded.

namespace Psr\Log;

if (!interface_exists(LoggerInterface::class, false)) {
    interface LoggerInterface
    {
        public function emergency($message, array $context = []);

        public function alert($message, array $context = []);

        public function critical($message, array $context = []);

        public function error($message, array $context = []);

        public function warning($message, array $context = []);

        public function notice($message, array $context = []);

        public function info($message, array $context = []);

        public function debug($message, array $context = []);

        public function log($level, $message, array $context = []);
    }
}
