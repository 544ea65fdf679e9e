<?php

declare(strict_types=1);

// Test stub of Magento\Backend\App\Action\Context: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Backend\App\Action;

if (!class_exists(Context::class, false)) {
    class Context
    {
        private $request;
        private $resultFactory;
        private $messageManager;
        private $formKeyValidator;

        public function __construct(
            \Magento\Framework\App\RequestInterface $request,
            \Magento\Framework\Message\ManagerInterface $messageManager,
            ?\Magento\Framework\Controller\ResultFactory $resultFactory = null,
            ?\Magento\Framework\Data\Form\FormKey\Validator $formKeyValidator = null
        ) {
            $this->request = $request;
            $this->messageManager = $messageManager;
            $this->resultFactory = $resultFactory ?? new \Magento\Framework\Controller\ResultFactory();
            $this->formKeyValidator = $formKeyValidator ?? new \Magento\Framework\Data\Form\FormKey\Validator();
        }

        public function getRequest()
        {
            return $this->request;
        }

        public function getResultFactory()
        {
            return $this->resultFactory;
        }

        public function getMessageManager()
        {
            return $this->messageManager;
        }

        public function getFormKeyValidator()
        {
            return $this->formKeyValidator;
        }
    }
}
