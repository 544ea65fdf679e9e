<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

/**
 * Personal data never goes to logs or order comments in full.
 */
final class Mask
{
    /** "jane.doe@example.com" => "j***@example.com" */
    public static function email(?string $email): string
    {
        $email = (string) $email;
        $at = strrpos($email, '@');
        if ($at === false || $at === 0) {
            return $email === '' ? '' : '***';
        }
        return mb_substr($email, 0, 1) . '***' . substr($email, $at);
    }

    private function __construct()
    {
    }
}
