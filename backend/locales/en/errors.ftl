# API errors and failure reasons, for people. In English the API's own message is kept; these are
# the fallbacks, and the other languages translate every message (`msg-…`, named after the English
# text) as well.

## Why something that was asked for did not happen (activations, payments), as a clause.
failure-card_declined = the card was declined
failure-insufficient_funds = the card's account does not have enough funds
failure-card_expired = the card has expired
failure-payment_not_accepted = the payment service did not accept the payment
failure-payment_failed = the payment did not go through
failure-car_refused = the car did not accept the change
failure-car_unreachable = the car could not be reached

## A refusal, by its `extensions.reason`.
reason-activation_in_progress = A feature is being switched on in this car; try again when it is done.
reason-already_active = This feature is already on in this car.
reason-card_declined = The card was declined; nothing was charged. Try another card.
reason-incompatible = This feature does not fit this car (its model or its software version).
reason-maintenance_overdue = This car's maintenance is overdue; book a service first.
reason-password_set = This customer has set a password already; they can ask for a reset link.
reason-permanent = A permanent feature stays with the car.
reason-trial_used = The trial of this feature was used on this car.
reason-query_too_deep = The request is nested too deeply.
reason-query_too_complex = The request asks for too much at once.
reason-operation_not_allowed = Only the app's own requests are accepted here.
reason-persisted_query_not_found = This request is not known by its hash here; send it with its text.
reason-persisted_query_mismatch = The request's hash does not match its text.
reason-persisted_query_invalid = The request's persisted-query details are malformed.
reason-oidc_ticket_invalid = This sign-in has expired or was used already; start it again.
reason-oidc_email_missing = The identity provider gave no e-mail address, so no account can be found or made.
reason-oidc_email_not_verified = The identity provider has not verified this e-mail address; verify it there and try again.
reason-oidc_not_a_customer = This e-mail address belongs to a staff account, which signs in with its password.
reason-oidc_other_account = Sign in to the account with this identity's e-mail address to link it.
reason-oidc_nothing_to_link = No account has this identity's e-mail address; sign in again.
reason-oidc_last_sign_in = Set a password first: without this identity you could not sign in any more.
reason-has_password = This account has a password already; change it with your current one.

## A wrong field, when its message is not translated.
field-vin = A VIN has 17 characters: letters and digits without I, O or Q.
field-email = Enter an e-mail address such as name@example.com.
field-customerEmail = Enter an e-mail address such as name@example.com.
field-ownerEmail = Enter an e-mail address such as name@example.com.
field-password = A password has at least 8 characters.
field-text = Search for 2 to 100 characters: a name, an e-mail address, a VIN, a plate or an order number.
field-first = A page has 0 to 100 entries.
field-other = Check this entry.

## By `extensions.code`, when nothing more precise is known.
code-unauthenticated = Please sign in (again).
code-forbidden = You may not do this.
code-not_found = Not found: { $thing }.
code-bad_user_input = Please check what you entered.
code-conflict = This does not fit the current state; reload and try again.
code-rate_limited = Too many attempts; try again in { $seconds } s.
code-unavailable = A system we rely on cannot be reached right now; try again later.
code-internal = Something went wrong on our side; try again later.

## What was not found.
thing-api-key = API key
thing-activation = activation
thing-customer = customer
thing-dealership = dealership
thing-feature = feature
thing-invoice = invoice
thing-model = model
thing-notification = notification
thing-order = order
thing-partner = partner
thing-payment = payment
thing-payment-card = payment card
thing-price = price
thing-region = region
thing-ticket = ticket
thing-user = user
thing-vehicle = vehicle
thing-vehicle-model = vehicle model
thing-workshop = workshop
thing-service-type = service
thing-resource = bay or loan car
thing-booking = booking
thing-repair-order = repair order
thing-line = estimate line
thing-estimate = estimate
thing-identity = identity
thing-command = remote command

reason-voucher_used = This voucher was already redeemed.
reason-voucher_expired = This voucher has expired.
reason-voucher_other_region = This voucher is sold for another region.
reason-insufficient_credit = Your credit does not cover this purchase.
reason-payment_method_not_offered = This payment method is not offered in your region.
reason-mandate_refused = The bank account could not be set up for direct debits; nothing was charged.
reason-not_supported = This car cannot do that: its model does not have what it takes.

reason-sms_not_opted_in = Add a phone number and opt in to text messages first.
