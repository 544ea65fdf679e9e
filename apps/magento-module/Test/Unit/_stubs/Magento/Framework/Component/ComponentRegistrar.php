<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Component\ComponentRegistrar: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Component;

if (!class_exists(ComponentRegistrar::class, false)) {
    class ComponentRegistrar
    {
        public const MODULE = 'module';
        public const LIBRARY = 'library';
        public const THEME = 'theme';
        public const LANGUAGE = 'language';

        /** @var array<string, array<string, string>> */
        private static $paths = [];

        public static function register($type, $componentName, $path)
        {
            self::$paths[$type][$componentName] = str_replace('\\', '/', $path);
        }

        public function getPaths($type)
        {
            return self::$paths[$type] ?? [];
        }

        public function getPath($type, $componentName)
        {
            return self::$paths[$type][$componentName] ?? null;
        }
    }
}
