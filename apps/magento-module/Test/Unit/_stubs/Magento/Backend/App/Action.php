<?php

declare(strict_types=1);

// Test stub of Magento\Backend\App\Action: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Backend\App;

if (!class_exists(Action::class, false)) {
    abstract class Action
    {
        public const ADMIN_RESOURCE = 'Magento_Backend::admin';

        /** @var \Magento\Framework\App\RequestInterface */
        protected $_request;
        /** @var \Magento\Framework\Controller\ResultFactory */
        protected $resultFactory;
        /** @var \Magento\Framework\Message\ManagerInterface */
        protected $messageManager;
        /** @var \Magento\Framework\Data\Form\FormKey\Validator */
        protected $_formKeyValidator;

        public function __construct(\Magento\Backend\App\Action\Context $context)
        {
            $this->_request = $context->getRequest();
            $this->resultFactory = $context->getResultFactory();
            $this->messageManager = $context->getMessageManager();
            $this->_formKeyValidator = $context->getFormKeyValidator();
        }

        public function getRequest()
        {
            return $this->_request;
        }

        abstract public function execute();
    }
}
