<?php

declare(strict_types=1);

// Stub of Magento's global translation function: returns the text with %1, %2 ... filled in.
// The real __() returns a Phrase object; every use in the module casts it to string or escapes it.

if (!function_exists('__')) {
    function __(...$args)
    {
        $text = (string) array_shift($args);
        if (count($args) === 1 && is_array($args[0])) {
            $args = $args[0];
        }
        foreach (array_values($args) as $i => $value) {
            $text = str_replace('%' . ($i + 1), (string) $value, $text);
        }
        return $text;
    }
}
