<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Escaper: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework;

if (!class_exists(Escaper::class, false)) {
    class Escaper
    {
        public function escapeHtml($data, $allowedTags = null)
        {
            return htmlspecialchars((string) $data, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8', false);
        }

        public function escapeHtmlAttr($string, $escapeSingleQuote = true)
        {
            return htmlspecialchars((string) $string, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8', true);
        }

        public function escapeUrl($string)
        {
            $string = (string) $string;
            if (preg_match('/^\\s*(javascript|data|vbscript):/i', $string)) {
                return '';
            }
            return htmlspecialchars($string, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8', false);
        }

        public function escapeJs($string)
        {
            return (string) json_encode((string) $string);
        }
    }
}
