<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Observer;

use ExstreamConnect\Connector\Observer\CreditmemoSaveCommitAfter;
use ExstreamConnect\Connector\Observer\InvoiceSaveCommitAfter;
use ExstreamConnect\Connector\Observer\ShipmentSaveCommitAfter;
use ExstreamConnect\Connector\Observer\ShipmentTrackSaveAfter;
use ExstreamConnect\Connector\Test\Unit\Support\RecordingHarness;
use Magento\Sales\Model\Order;
use Magento\Sales\Model\Order\Creditmemo;
use Magento\Sales\Model\Order\Invoice;
use Magento\Sales\Model\Order\Shipment;
use Magento\Sales\Model\Order\Shipment\Track;
use PHPUnit\Framework\TestCase;

class EntityObserversTest extends TestCase
{
    private RecordingHarness $harness;

    protected function setUp(): void
    {
        $this->harness = new RecordingHarness($this);
    }

    /**
     * @template T of \Magento\Framework\Model\AbstractModel
     * @param T $model
     * @return T
     */
    private function loaded($model)
    {
        $model->setOrigData();
        return $model;
    }

    public function testNewInvoiceIsRecordedWithItsOrderAndStore(): void
    {
        $invoice = new Invoice(['entity_id' => 77, 'order_id' => 142, 'store_id' => 3]);
        $observer = new InvoiceSaveCommitAfter($this->harness->recorder, $this->harness->logger);
        $observer->execute(RecordingHarness::observer(['invoice' => $invoice]));
        $observer->execute(RecordingHarness::observer(['invoice' => $invoice]));

        self::assertSame(['invoice:77:created'], $this->harness->keys());
        $row = $this->harness->rows['invoice:77:created'];
        self::assertSame(['order.invoiced', 'invoice', 77, 142, 3], [
            $row['event'], $row['entity_type'], $row['entity_id'], $row['order_id'], $row['store_id'],
        ]);
        self::assertSame(1, $this->harness->insertCalls);
    }

    public function testInvoiceStoreFallsBackToTheOrderStore(): void
    {
        $invoice = new Invoice(['entity_id' => 78, 'order_id' => 142, 'order' => new Order(['store_id' => 4])]);
        (new InvoiceSaveCommitAfter($this->harness->recorder, $this->harness->logger))
            ->execute(RecordingHarness::observer(['invoice' => $invoice]));
        self::assertSame(4, $this->harness->rows['invoice:78:created']['store_id']);
    }

    public function testSavingAnExistingInvoiceRecordsNothing(): void
    {
        $invoice = $this->loaded(new Invoice(['entity_id' => 77, 'order_id' => 142, 'store_id' => 1, 'state' => 1]));
        $invoice->setData('state', 2);
        (new InvoiceSaveCommitAfter($this->harness->recorder, $this->harness->logger))
            ->execute(RecordingHarness::observer(['invoice' => $invoice]));
        self::assertSame([], $this->harness->keys());
    }

    public function testNewShipmentIsRecorded(): void
    {
        $shipment = new Shipment(['entity_id' => 58, 'order_id' => 142, 'store_id' => 1]);
        (new ShipmentSaveCommitAfter($this->harness->recorder, $this->harness->logger))
            ->execute(RecordingHarness::observer(['shipment' => $shipment]));
        self::assertSame(['shipment:58:created'], $this->harness->keys());
        self::assertSame('shipment.created', $this->harness->rows['shipment:58:created']['event']);
    }

    public function testTrackSavedWithANewShipmentIsCarriedByTheShipmentEvent(): void
    {
        // GIVEN a shipment created with its track (the track is saved inside the shipment save)
        $shipment = new Shipment(['entity_id' => 58, 'order_id' => 142, 'store_id' => 1]);
        $track = (new Track(['entity_id' => 31, 'parent_id' => 58, 'order_id' => 142]))->setShipment($shipment);

        (new ShipmentTrackSaveAfter($this->harness->recorder, $this->harness->logger))
            ->execute(RecordingHarness::observer(['track' => $track]));
        (new ShipmentSaveCommitAfter($this->harness->recorder, $this->harness->logger))
            ->execute(RecordingHarness::observer(['shipment' => $shipment]));

        // THEN one shipping event, no separate track event
        self::assertSame(['shipment:58:created'], $this->harness->keys());
    }

    public function testTrackAddedToAnExistingShipmentIsItsOwnEvent(): void
    {
        $shipment = $this->loaded(new Shipment(['entity_id' => 58, 'order_id' => 142, 'store_id' => 2]));
        $track = (new Track(['entity_id' => 32, 'parent_id' => 58, 'order_id' => 142]))->setShipment($shipment);
        (new ShipmentTrackSaveAfter($this->harness->recorder, $this->harness->logger))
            ->execute(RecordingHarness::observer(['track' => $track]));

        self::assertSame(['track:32:added'], $this->harness->keys());
        $row = $this->harness->rows['track:32:added'];
        self::assertSame(['shipment.track_added', 'shipment', 58, 142, 2], [
            $row['event'], $row['entity_type'], $row['entity_id'], $row['order_id'], $row['store_id'],
        ]);
    }

    public function testEditingAnExistingTrackRecordsNothing(): void
    {
        $shipment = $this->loaded(new Shipment(['entity_id' => 58, 'order_id' => 142, 'store_id' => 2]));
        $track = $this->loaded((new Track(['entity_id' => 32, 'parent_id' => 58]))->setShipment($shipment));
        (new ShipmentTrackSaveAfter($this->harness->recorder, $this->harness->logger))
            ->execute(RecordingHarness::observer(['track' => $track]));
        self::assertSame([], $this->harness->keys());
    }

    public function testNewCreditMemoIsRecorded(): void
    {
        $creditmemo = new Creditmemo(['entity_id' => 12, 'order_id' => 142, 'store_id' => 1]);
        (new CreditmemoSaveCommitAfter($this->harness->recorder, $this->harness->logger))
            ->execute(RecordingHarness::observer(['creditmemo' => $creditmemo]));
        self::assertSame(['creditmemo:12:created'], $this->harness->keys());
        self::assertSame('creditmemo.created', $this->harness->rows['creditmemo:12:created']['event']);
    }

    public function testEveryObserverSwallowsErrors(): void
    {
        $this->harness->failWith = new \RuntimeException('table missing');
        $this->harness->logger->expects(self::exactly(4))->method('error');
        $shipment = $this->loaded(new Shipment(['entity_id' => 58, 'order_id' => 142, 'store_id' => 2]));
        $cases = [
            [InvoiceSaveCommitAfter::class, 'invoice', new Invoice(['entity_id' => 1, 'store_id' => 1])],
            [ShipmentSaveCommitAfter::class, 'shipment', new Shipment(['entity_id' => 1, 'store_id' => 1])],
            [ShipmentTrackSaveAfter::class, 'track', (new Track(['entity_id' => 9]))->setShipment($shipment)],
            [CreditmemoSaveCommitAfter::class, 'creditmemo', new Creditmemo(['entity_id' => 1, 'store_id' => 1])],
        ];
        foreach ($cases as [$class, $key, $entity]) {
            $observer = new $class($this->harness->recorder, $this->harness->logger);
            $observer->execute(RecordingHarness::observer([$key => $entity]));
        }
        self::assertSame(4, $this->harness->insertCalls);
    }
}
