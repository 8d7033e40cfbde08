// The sandbox's test-card form. The sandbox processor, like Stripe's test mode, knows cards only
// by Stripe's documented test tokens, so this script turns Stripe's documented test card numbers
// into those tokens here in the browser. The card inputs have no `name`, so the browser never
// submits them: only the token and the "save this card" choice reach the server.
(function () {
  'use strict';

  // Stripe's test card numbers (https://docs.stripe.com/testing) and the test tokens they stand for.
  var testTokens = {
    '4242424242424242': 'pm_card_visa',
    '5555555555554444': 'pm_card_mastercard',
    '378282246310005': 'pm_card_amex',
    '6011111111111117': 'pm_card_discover',
    '4000000000000002': 'pm_card_chargeDeclined',
    '4000000000009995': 'pm_card_chargeDeclinedInsufficientFunds',
    '4000000000000069': 'pm_card_chargeDeclinedExpiredCard',
    '4000000000000127': 'pm_card_chargeDeclinedIncorrectCvc',
    '4100000000000019': 'pm_card_chargeDeclinedFraudulent',
    '4000000000000119': 'pm_card_chargeDeclinedProcessingError',
    '4000000000000341': 'pm_card_chargeCustomerFail'
  };

  var form = document.getElementById('card-form');
  if (!form) return;
  var number = document.getElementById('cc-number');
  var expiry = document.getElementById('cc-exp');
  var cvc = document.getElementById('cc-csc');
  var token = document.getElementById('payment-method-token');
  var summary = document.getElementById('form-error');
  var button = document.getElementById('submit-button');
  var idleLabel = button.textContent;

  function digitsOf(text) {
    return text.replace(/\D/g, '');
  }

  function passesLuhn(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i += 1) {
      var digit = Number(digits.charAt(digits.length - 1 - i));
      if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
    }
    return sum % 10 === 0;
  }

  function numberProblem() {
    var digits = digitsOf(number.value);
    if (digits.length < 12 || digits.length > 19 || !passesLuhn(digits)) return 'Enter a valid card number.';
    if (!Object.prototype.hasOwnProperty.call(testTokens, digits)) {
      return 'This is a test page: use one of Stripe\u2019s test cards, such as 4242 4242 4242 4242.';
    }
    return null;
  }

  function expiryProblem() {
    var match = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(expiry.value);
    var message = 'Enter the expiry date as MM / YY, in the future.';
    if (!match) return message;
    var month = Number(match[1]);
    var year = Number(match[2].length === 2 ? '20' + match[2] : match[2]);
    if (month < 1 || month > 12) return message;
    var now = new Date();
    var expired = year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1);
    return expired ? 'This card has expired. Enter a future expiry date.' : null;
  }

  function cvcProblem() {
    return /^\d{3,4}$/.test(cvc.value.trim()) ? null : 'Enter the 3 or 4 digit security code.';
  }

  function showFieldError(input, message) {
    var slot = document.getElementById(input.id + '-error');
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
    if (!slot) return;
    slot.textContent = message || '';
    slot.hidden = !message;
  }

  function showSummary(message) {
    summary.textContent = message || '';
    summary.hidden = !message;
  }

  // Groups of four as the customer types, the way the number is printed on most cards.
  number.addEventListener('input', function () {
    var digits = digitsOf(number.value).slice(0, 19);
    var grouped = digits.replace(/(\d{4})(?=\d)/g, '$1 ');
    if (grouped !== number.value) number.value = grouped;
  });

  form.addEventListener('submit', function (event) {
    if (form.getAttribute('data-submitting') === 'true') {
      event.preventDefault();
      return;
    }
    var checks = [
      [number, numberProblem()],
      [expiry, expiryProblem()],
      [cvc, cvcProblem()]
    ];
    var firstInvalid = null;
    checks.forEach(function (check) {
      showFieldError(check[0], check[1]);
      if (check[1] && !firstInvalid) firstInvalid = check[0];
    });
    if (firstInvalid) {
      event.preventDefault();
      showSummary('Please correct the card details below.');
      firstInvalid.focus();
      return;
    }
    showSummary('');
    token.value = testTokens[digitsOf(number.value)];
    form.setAttribute('data-submitting', 'true');
    button.setAttribute('aria-disabled', 'true');
    button.textContent = form.getAttribute('data-busy-label') || idleLabel;
  });

  // Coming back with the browser's Back button restores the page as it was left: make it usable again.
  window.addEventListener('pageshow', function () {
    form.removeAttribute('data-submitting');
    button.removeAttribute('aria-disabled');
    button.textContent = idleLabel;
    token.value = '';
  });

  if (!summary.hidden) summary.focus();
})();
