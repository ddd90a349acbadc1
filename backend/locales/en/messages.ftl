# Notifications and e-mails, English. `{ $name }` and friends come from the notification's payload.

status-AWAITING_RESERVATION = awaiting the reservation payment
status-ORDERED = ordered from the factory
status-IN_PRODUCTION = in production
status-PAINTING = in the paint shop
status-ASSEMBLY = being assembled
status-QUALITY_CHECK = in quality control
status-SHIPPED = on its way to the dealership
status-READY = ready at the dealership
status-PAID = paid in full
status-REGISTERED = registered
status-DELIVERED = delivered
status-CANCELLED = cancelled

account-welcome-subject = Welcome to CaaS, { $name }
account-welcome-body = Hello { $name },

    welcome to CaaS. Your car, its history and its features are waiting for you in the app.

account-set_password-subject = Set your CaaS password
account-set_password-body = Hello { $name },

    { $dealership } has registered your purchase of a { $model } (order { $order }).
    Set your password to follow your car being built and to manage it afterwards:

    { $link }

    The link works once and expires on { $expires }.

account-invitation-subject = You are invited to CaaS
account-invitation-body = Hello { $name },

    you have been invited to work on the CaaS platform (role: { $role }).
    Set your password to sign in:

    { $link }

    The link works once and expires on { $expires }.

privacy-export_ready-subject = Your CaaS data export is ready
privacy-export_ready-body = Hello,

    the copy of your data you asked for is ready. Download it under Privacy in the CaaS app,
    signed in as yourself, until { $expires }; it is deleted then.

privacy-erasure_scheduled-subject = Your CaaS account will be erased
privacy-erasure_scheduled-body = Hello { $name },

    you asked for your CaaS account to be erased. It will be erased on { $due }.
    Until then you can cancel under Privacy in the CaaS app.
    Invoices are kept for the period the law requires, with your details sealed for the tax authorities.

account-password_reset-subject = Reset your CaaS password
account-password_reset-body = Hello { $name },

    someone asked to reset the password of your CaaS account. Choose a new password here:

    { $link }

    The link works once and expires on { $expires }. Your other sessions end when you use it.
    If you did not ask for this, ignore this e-mail: your password stays as it is.

account-password_link-subject = Your new link to set your CaaS password
account-password_link-body = Hello { $name },

    here is a new link to set the password of your CaaS account:

    { $link }

    The link works once and expires on { $expires }. Links you received earlier no longer work.

order-stage_reached-subject = Your { $model }: { $stage }
order-stage_reached-body = Hello { $name },

    your { $model } (order { $order }) is now { $stage }.

order-ready-subject = Your { $model } is ready
order-ready-body = Hello { $name },

    your { $model } (order { $order }) has arrived at { $dealership }. The final payment is now due; your dealer will contact you.

order-ready_for_delivery-subject = Your { $model } is registered and ready for delivery
order-ready_for_delivery-body = Hello { $name },

    your { $model } is registered with the plate { $plate } and ready for delivery at { $dealership }.

order-final_payment_failed-subject = The final payment for order { $order } failed
order-final_payment_failed-body = Hello { $name },

    the final payment for your { $model } (order { $order }) did not go through ({ $reason }). Your { $model } stays reserved for you: { $dealership } will take the payment again with another card.

order-registration_refused-subject = Registration of order { $order } refused
order-registration_refused-body = The authority refused to register the { $model } of order { $order }: { $reason }.

order-cancelled-subject = Order { $order } was cancelled
order-cancelled-body = Hello { $name },

    your order { $order } for a { $model } was cancelled: { $reason }.

order-delivered-subject = Enjoy your { $model }
order-delivered-body = Hello { $name },

    your { $model } has been handed over. Welcome on board!

vehicle-traded_in-subject = Your { $model } is now with { $dealership }
vehicle-traded_in-body = Hello { $name },

    { $dealership } has taken your { $model } ({ $vin }) back into its stock. Its subscriptions have ended, and the car is no longer in your account; features bought for good stay with the car.

payment-kind-reservation = reservation
payment-kind-final = final
payment-failed-subject = A payment for order { $order } failed
payment-failed-body = The { $kind } payment for order { $order } failed: { $reason }.

activation-active-subject = { $feature } is on
activation-active-body = { $feature } is now switched on in your car { $vin }. Enjoy it!

activation-failed-subject = { $feature } could not be switched on
activation-failed-body = We could not switch { $feature } on in your car { $vin } ({ $reason }). You have not been charged; our support team is looking into it.

activation-ended-subject = { $feature } is off
activation-ended-body = { $feature } has been switched off in your car { $vin }.

activation-payment_failed-subject = The payment for { $feature } did not go through
activation-payment_failed-body = The payment for { $feature } failed ({ $reason }). We will try again; if it is still unpaid on { $graceEnds }, the feature will be switched off.

payment-refunded-subject = A refund of { $amount } is on its way
payment-refunded-body = We have refunded { $amount } of your payment for { $feature } ({ $reason }). It reaches your account in a few days.

payment-refunded_in_full-subject = A refund of { $amount } is on its way
payment-refunded_in_full-body = We have refunded your payment of { $amount } for { $feature } in full ({ $reason }); { $feature } is switched off in your car { $vin }. It reaches your account in a few days.

dealer-order_ready-subject = Order { $order } has arrived from the factory
dealer-order_ready-body = The { $model } of order { $order } for { $name } has arrived at { $dealership }. Take the final payment, then register the car.

dealer-final_payment_failed-subject = The final payment for order { $order } failed
dealer-final_payment_failed-body = The final payment of { $name } for the { $model } of order { $order } did not go through ({ $reason }). The car stays reserved; take the payment again with another card.

# Invoices and credit notes (PDF).
invoice-title = Invoice
invoice-credit_note_title = Credit note
invoice-number = Number
invoice-date = Date
invoice-vehicle = Vehicle (VIN)
invoice-corrects = Corrects invoice
invoice-buyer = BILLED TO
invoice-vat_id = VAT ID
invoice-description = Description
invoice-quantity = Qty
invoice-unit_net = Unit price (net)
invoice-net = Amount (net)
invoice-total_net = Total net
invoice-vat = VAT { $rate }
invoice-total_gross = Total
invoice-paid_note = Paid by card. Thank you.
invoice-refund_note = The amount is refunded to the card that paid the invoice.
invoice-workshop_note = Payable at the workshop when you collect the car. Thank you.

# Invoice lines, written in the buyer's language when the invoice is issued.
duration-PERMANENT = permanent
duration-MONTHLY = monthly
duration-ANNUAL = 1 year
duration-FIXED_DAYS = { $days } days
duration-TRIAL = { $days }-day trial
line-feature = { $feature } ({ $duration }) — { $vin }
line-month = { $feature }, { $days } of { $month_days } days from { $from } — { $vin }
line-year = { $feature }, 1 year from { $from } — { $vin }
line-reservation = { $model }, reservation — order { $order }{ $vin }
line-final = { $model }, final payment — order { $order }{ $vin }
line-refund = Refund for invoice { $number }
line-labour = Labour: { $description } ({ $hours } h × { $rate })
line-measured = { $description } ({ $quantity } × { $price })
line-period = { $feature }, subscription period from { $from } — { $vin }

## Countries, by their code.
region-DE = Germany
region-ES = Spain
region-GB = United Kingdom

# Workshops: bookings, repair orders, maintenance.
booking-requested-subject = Booking request sent to { $workshop }
booking-requested-body = Hello { $name },

    we have sent your request for "{ $service }" on { $when } to { $workshop }. They will confirm it shortly; the slot is held for you until then.

booking-confirmed-subject = Your appointment at { $workshop } on { $when }
booking-confirmed-body = Hello { $name },

    { $workshop } has confirmed your appointment for "{ $service }" on { $when } (car { $vin }).
    Address: { $address }

booking-rescheduled-subject = Your appointment at { $workshop } was moved to { $when }
booking-rescheduled-body = Hello { $name },

    your appointment for "{ $service }" at { $workshop } is now on { $when } (car { $vin }).

booking-cancelled-subject = Your appointment at { $workshop } was cancelled
booking-cancelled-body = Hello { $name },

    { $workshop } has cancelled your appointment for "{ $service }" on { $when }. Book another time in the app whenever it suits you.

booking-reminder_day-subject = Tomorrow: your appointment at { $workshop }
booking-reminder_day-body = Hello { $name },

    a reminder of your appointment for "{ $service }" on { $when } at { $workshop } (car { $vin }).
    Address: { $address }
    If you cannot come, please cancel or move it in the app.

booking-reminder_hour-subject = In an hour: { $service } at { $workshop }
booking-reminder_hour-body = Your appointment at { $workshop } starts at { $when }. Address: { $address }

workshop-booking_requested-subject = New booking request: { $service } on { $when }
workshop-booking_requested-body = A customer asks for "{ $service }" on { $when } for the car { $vin }. Confirm it on the calendar.

workshop-booking_cancelled-subject = Booking cancelled: { $service } on { $when }
workshop-booking_cancelled-body = The customer cancelled "{ $service }" on { $when } for the car { $vin }; the time is free again.

workshop-estimate_approved-subject = Estimate approved: repair order { $job }
workshop-estimate_approved-body = The customer approved the estimate of repair order { $job } (car { $vin }). The work can go on.

workshop-estimate_declined-subject = Estimate declined: repair order { $job }
workshop-estimate_declined-body = The customer declined the estimate of repair order { $job } (car { $vin }). Do only the work they approved, or revise the estimate.

repair-checked_in-subject = Your car is at { $workshop }
repair-checked_in-body = Your car { $vin } was checked in at { $workshop } (repair order { $job }). You can follow the work in the app.

repair-estimate_ready-subject = Your estimate from { $workshop }: { $estimate }
repair-estimate_ready-body = Hello { $name },

    { $workshop } has looked at your car { $vin } and estimates the work at { $estimate } (VAT included, repair order { $job }).
    Approve or decline it in the app, or here:

    { $link }

repair-reapproval_needed-subject = { $workshop } needs your approval again
repair-reapproval_needed-body = Hello { $name },

    the work on your car { $vin } would cost { $estimate } (VAT included) instead of the { $approved } you approved, { $over } % more. The workshop continues only once you decide.
    Approve or decline the additional work in the app, or here:

    { $link }

repair-ready-subject = Your car is ready at { $workshop }
repair-ready-body = Hello { $name },

    the work on your car { $vin } is done (repair order { $job }). You can collect it at { $workshop }.

repair-invoiced-subject = Your invoice { $invoice } from { $workshop }
repair-invoiced-body = Hello { $name },

    { $workshop } has invoiced repair order { $job } for your car { $vin }: { $amount }. The invoice is in the app with your car's documents.

maintenance-due-subject = A service of your car { $vin } is due soon
maintenance-due-body = Your car { $vin } is due for its service on { $dueDate } or at { $dueKm } km, whichever comes first (it shows { $mileageKm } km now). Book a workshop in the app.

maintenance-overdue-subject = The service of your car { $vin } is overdue
maintenance-overdue-body = The service of your car { $vin } was due on { $dueDate } or at { $dueKm } km (it shows { $mileageKm } km now). Until it is done, features that need up-to-date maintenance cannot be bought. Book a workshop in the app.

health-fault_code-subject = Your car { $vin } reports a fault: { $code }
health-fault_code-body = Your car { $vin } reports the fault code { $code } ({ $description }). Book a workshop in the app so they can look at it; if the car is already booked in, the workshop has the code.
health-battery_low-subject = The battery of your car { $vin } is low ({ $value } %)
health-battery_low-body = The battery of your car { $vin } is at { $value } %. Charge it soon.
health-service_due-subject = Your car { $vin } is due for its service
health-service_due-body = Your car { $vin } reached { $value } km, the mileage of its next service. Book a workshop in the app.
health-silent-subject = Your car { $vin } has not reported for { $value } hours
health-silent-body = We have heard nothing from your car { $vin } for { $value } hours. It may be out of coverage or its connection may need a look.
health-alert-battery_low = Battery at { $value } %
health-alert-service_due = Service due ({ $value } km)
health-alert-silent = No report for { $value } hours

repair-step-checked_in = The car was checked in.
repair-step-inspected = The workshop inspected the car.
repair-step-estimate_sent = The estimate was sent to the customer.
repair-step-reapproval_needed = The work would cost more than 15 % over the approved estimate: the customer is asked again.
repair-step-estimate_approved = The customer approved the estimate.
repair-step-estimate_declined = The customer declined the estimate.
repair-step-extra_work_declined = The customer declined the additional work; only the approved work is done.
repair-step-work_started = Work started.
repair-step-ready = The work is done; the car can be collected.
repair-step-invoiced = The invoice was issued.
repair-step-collected = The car was collected.
repair-step-cancelled = The repair order was cancelled.

## What a partner may read of a car its owner shares (consents).
consent-scope-vehicles-read = The car's model, firmware and status
consent-scope-expediente-read = The car's history: owners, services, repairs and features bought
consent-scope-telemetry-read = What the car reports: mileage, battery or fuel, speed, warnings

account-identity_link-subject = Link your { $provider } sign-in to your CaaS account
account-identity_link-body = Hello { $name },

    someone signed in with { $provider } using this e-mail address and asked to link it to your CaaS account.
    If it was you, open this link to link it and sign in:

    { $link }

    The link works once and expires on { $expires }. If it was not you, ignore this e-mail: nothing is linked.

activation-debit_returned-subject = Your bank returned the direct debit for { $feature }
activation-debit_returned-body = Your bank returned the SEPA direct debit for { $feature } ({ $reason }). It is not debited again on its own: please pay it another way (a card, a bank transfer or a voucher). If it is still unpaid on { $graceEnds }, the feature will be switched off.

payment-transfer_partial-subject = Part of your transfer { $reference } has arrived
payment-transfer_partial-body = We received { $received } with the reference { $reference }. { $due } is still due: please transfer it with the same reference, and your purchase is switched on as soon as it arrives.

sepa-mandate-text = By accepting this mandate, you authorise { $creditor } and its payment provider to send instructions to your bank to debit your account, and your bank to debit your account in accordance with those instructions. As part of your rights, you are entitled to a refund from your bank under the terms and conditions of your agreement with your bank. A refund must be claimed within 8 weeks starting from the date on which your account was debited.

activation-transfer_not_received-subject = { $feature } was not bought: the transfer did not arrive
activation-transfer_not_received-body = We did not receive the bank transfer { $reference } for { $feature } in time, so the purchase was cancelled and nothing is switched on. Any part of it that arrived is in your credit. You can buy { $feature } again at any time.

activation-active-sms = CaaS: { $feature } is now on in your car { $vin }.
activation-failed-sms = CaaS: { $feature } could not be switched on in your car { $vin }. You have not been charged.

offers-new_feature-subject = New for your { $model }: { $feature }
offers-new_feature-body = Hello { $name },

    { $feature } is now available for your { $model }. You can try it from the app.

email-unsubscribe-footer = You receive this e-mail because you asked for offers. Unsubscribe with one click: { $link }
unsubscribe-page-title = Offers by e-mail
unsubscribe-page-ask = Stop receiving offers and news by e-mail?
unsubscribe-page-button = Unsubscribe
unsubscribe-page-done = You will no longer receive offers by e-mail. You can switch them on again in the app's notification settings.
unsubscribe-page-invalid = This unsubscribe link is not valid.

offers-campaign-subject = For your car { $vin }: { $feature }
offers-campaign-body = { $feature } is offered for your car { $vin } ({ $campaign }). Buy it with one tap in the app's catalog.

campaign-ask_on-subject = May we switch { $feature } on in your car { $vin }?
campaign-ask_on-body = As part of "{ $campaign }" we would switch { $feature } on in your car { $vin }, free of charge. Answer in the app by { $until }; without an answer nothing changes.

campaign-ask_off-subject = May we switch { $feature } off in your car { $vin }?
campaign-ask_off-body = As part of "{ $campaign }" we would switch { $feature } off in your car { $vin }. Answer in the app by { $until }; without an answer nothing changes.
