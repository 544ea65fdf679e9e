/**
 * A button that POSTs a few fields (with the admin form key) to an admin URL, without nesting a
 * <form> inside the order page and without inline script.
 */
define(['jquery'], function ($) {
    'use strict';

    return function (config, element) {
        $(element).on('click', function (event) {
            event.preventDefault();
            if (config.confirm && !window.confirm(config.confirm)) {
                return;
            }
            var form = $('<form method="post" style="display:none"></form>').attr('action', config.url);
            $.each(config.data || {}, function (name, value) {
                $('<input type="hidden"/>').attr('name', name).val(value).appendTo(form);
            });
            if (!config.data || !config.data.form_key) {
                $('<input type="hidden" name="form_key"/>').val(window.FORM_KEY).appendTo(form);
            }
            form.appendTo(document.body).trigger('submit');
        });
    };
});
