<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model\Config\Source;

use Magento\Framework\Data\OptionSourceInterface;

/**
 * Delivery channels Exstream can produce for.
 */
class Channels implements OptionSourceInterface
{
    /** @return array<int, array{value: string, label: string}> */
    public function toOptionArray(): array
    {
        return [
            ['value' => 'email', 'label' => 'Email'],
            ['value' => 'print', 'label' => 'Print (mail)'],
            ['value' => 'web', 'label' => 'Web / customer portal'],
            ['value' => 'sms', 'label' => 'SMS'],
            ['value' => 'archive', 'label' => 'Archive only'],
        ];
    }
}
