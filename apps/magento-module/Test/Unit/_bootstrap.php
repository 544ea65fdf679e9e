<?php

/**
 * Test bootstrap without Magento. Module classes load from the module root (PSR-4); Magento and
 * PSR classes load from _stubs, and every stub declares itself only if the real class is absent.
 *
 * A green run means the module is consistent with these stubs: it does not prove that it runs on
 * a real Magento (see README "What the tests can and cannot prove").
 */

declare(strict_types=1);

const EXSTREAM_MODULE_ROOT = __DIR__ . '/../..';
const EXSTREAM_STUBS = __DIR__ . '/_stubs';

spl_autoload_register(static function (string $class): void {
    $prefix = 'ExstreamConnect\\Connector\\';
    if (strncmp($class, $prefix, strlen($prefix)) === 0) {
        $file = EXSTREAM_MODULE_ROOT . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    } elseif (strncmp($class, 'Magento\\', 8) === 0 || strncmp($class, 'Psr\\', 4) === 0) {
        $file = EXSTREAM_STUBS . '/' . str_replace('\\', '/', $class) . '.php';
    } else {
        return;
    }
    if (is_file($file)) {
        require_once $file;
    }
});

require_once EXSTREAM_STUBS . '/functions.php';
require_once EXSTREAM_MODULE_ROOT . '/registration.php';
