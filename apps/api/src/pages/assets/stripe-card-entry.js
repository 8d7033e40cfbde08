// Card entry with Stripe's Payment Element. The card is typed into Stripe's own frame and turned
// into a PaymentMethod by Stripe.js, so it never reaches this server; the form then submits only
// the PaymentMethod's id and the "save this card" choice, and the server confirms the payment
// (or saves the card) through the ledger, whose outcome Stripe's webhooks also report.
(function () {
  'use strict';

  var form = document.getElementById('card-form');
  var slot = document.getElementById('payment-element');
  var token = document.getElementById('payment-method-token');
  var message = document.getElementById('payment-element-error');
  var summary = document.getElementById('form-error');
  var button = document.getElementById('submit-button');
  if (!form || !slot) return;
  var idleLabel = button.textContent;

  function showError(text) {
    message.textContent = text || '';
    message.hidden = !text;
  }

  function busy(on) {
    form.setAttribute('data-submitting', on ? 'true' : 'false');
    button.setAttribute('aria-disabled', on ? 'true' : 'false');
    button.textContent = on ? form.getAttribute('data-busy-label') || idleLabel : idleLabel;
  }

  if (typeof window.Stripe !== 'function') {
    showError('Card entry could not be loaded. Please check your connection and reload the page.');
    return;
  }

  var data = slot.dataset;
  var stripe = window.Stripe(data.publishableKey, data.stripeAccount ? { stripeAccount: data.stripeAccount } : {});
  // Deferred intent: the PaymentMethod is created here, the payment is confirmed by the server.
  var options = { mode: data.mode, currency: data.currency, paymentMethodCreation: 'manual', paymentMethodTypes: ['card'] };
  if (data.mode === 'payment') options.amount = Number(data.amount);
  var saveBox = document.getElementById('save-card');
  if (data.mode === 'payment' && saveBox && saveBox.checked) options.setupFutureUsage = 'off_session';
  var elements = stripe.elements(options);
  elements.create('payment').mount(slot);

  // A card kept for later must be set up for off-session use, which Stripe wants to know up front.
  if (saveBox && data.mode === 'payment') {
    saveBox.addEventListener('change', function () {
      elements.update({ setupFutureUsage: saveBox.checked ? 'off_session' : null });
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (form.getAttribute('data-submitting') === 'true') return;
    busy(true);
    showError('');
    elements
      .submit()
      .then(function (result) {
        if (result.error) throw result.error;
        return stripe.createPaymentMethod({ elements: elements });
      })
      .then(function (result) {
        if (result.error) throw result.error;
        token.value = result.paymentMethod.id;
        form.submit();
      })
      .catch(function (error) {
        showError((error && error.message) || 'Your card could not be read. Please check the details.');
        busy(false);
      });
  });

  window.addEventListener('pageshow', function () {
    busy(false);
    token.value = '';
  });

  if (summary && !summary.hidden) summary.focus();
})();
