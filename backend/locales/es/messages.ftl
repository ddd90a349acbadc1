# Notificaciones y correos, español.

status-AWAITING_RESERVATION = pendiente de la señal de reserva
status-ORDERED = pedido a fábrica
status-IN_PRODUCTION = en producción
status-PAINTING = en el taller de pintura
status-ASSEMBLY = en montaje
status-QUALITY_CHECK = en control de calidad
status-SHIPPED = en camino al concesionario
status-READY = listo en el concesionario
status-PAID = pagado por completo
status-REGISTERED = matriculado
status-DELIVERED = entregado
status-CANCELLED = cancelado

account-welcome-subject = Bienvenido a CaaS, { $name }
account-welcome-body = Hola, { $name }:

    bienvenido a CaaS. Su coche, su historial y sus funciones le esperan en la aplicación.

account-set_password-subject = Establezca su contraseña de CaaS
account-set_password-body = Hola, { $name }:

    { $dealership } ha registrado su compra de un { $model } (pedido { $order }).
    Establezca su contraseña para seguir la fabricación de su coche y gestionarlo después:

    { $link }

    El enlace funciona una sola vez y caduca el { $expires }.

account-invitation-subject = Le invitamos a CaaS
account-invitation-body = Hola, { $name }:

    le han invitado a trabajar en la plataforma CaaS (rol: { $role }).
    Establezca su contraseña para iniciar sesión:

    { $link }

    El enlace funciona una sola vez y caduca el { $expires }.

privacy-export_ready-subject = Su exportación de datos de CaaS está lista
privacy-export_ready-body = Hola:

    la copia de sus datos que pidió está lista. Descárguela en Privacidad en la app de CaaS,
    con su cuenta, hasta el { $expires }; después se elimina.

privacy-erasure_scheduled-subject = Su cuenta de CaaS se eliminará
privacy-erasure_scheduled-body = Hola, { $name }:

    ha pedido eliminar su cuenta de CaaS. Se eliminará el { $due }.
    Hasta entonces puede cancelarlo en Privacidad en la app de CaaS.
    Las facturas se conservan el tiempo que exige la ley, con sus datos sellados para las autoridades fiscales.

account-password_reset-subject = Restablezca su contraseña de CaaS
account-password_reset-body = Hola, { $name }:

    alguien ha pedido restablecer la contraseña de su cuenta de CaaS. Elija una nueva aquí:

    { $link }

    El enlace funciona una sola vez y caduca el { $expires }. Sus otras sesiones terminan cuando lo use.
    Si no lo ha pedido usted, ignore este correo: su contraseña sigue siendo la misma.

account-password_link-subject = Su nuevo enlace para establecer su contraseña de CaaS
account-password_link-body = Hola, { $name }:

    aquí tiene un nuevo enlace para establecer la contraseña de su cuenta de CaaS:

    { $link }

    El enlace funciona una sola vez y caduca el { $expires }. Los enlaces que recibió antes ya no funcionan.

order-stage_reached-subject = Su { $model }: { $stage }
order-stage_reached-body = Hola, { $name }:

    nuevo estado de su { $model } (pedido { $order }): { $stage }.

order-ready-subject = Su { $model } ya está aquí
order-ready-body = Hola, { $name }:

    su { $model } (pedido { $order }) ha llegado a { $dealership }. Ahora corresponde el pago final; su concesionario se pondrá en contacto con usted.

order-ready_for_delivery-subject = Su { $model } está matriculado y listo para la entrega
order-ready_for_delivery-body = Hola, { $name }:

    su { $model } está matriculado con la placa { $plate } y listo para la entrega en { $dealership }.

order-final_payment_failed-subject = El pago final del pedido { $order } ha fallado
order-final_payment_failed-body = Hola, { $name }:

    el pago final de su { $model } (pedido { $order }) no se ha podido completar ({ $reason }). Su { $model } sigue reservado para usted: { $dealership } puede cobrar el pago con otra tarjeta.

order-registration_refused-subject = Matriculación del pedido { $order } denegada
order-registration_refused-body = La autoridad ha denegado la matriculación del { $model } del pedido { $order }: { $reason }.

order-cancelled-subject = El pedido { $order } ha sido cancelado
order-cancelled-body = Hola, { $name }:

    su pedido { $order } de un { $model } ha sido cancelado: { $reason }.

order-delivered-subject = Disfrute de su { $model }
order-delivered-body = Hola, { $name }:

    su { $model } ya le ha sido entregado. ¡Bienvenido a bordo!

vehicle-traded_in-subject = Su { $model } está ahora en { $dealership }
vehicle-traded_in-body = Hola, { $name }:

    { $dealership } ha recogido su { $model } ({ $vin }) en su stock. Sus suscripciones han terminado y el coche ya no está en su cuenta; las funciones compradas para siempre se quedan con el coche.

payment-kind-reservation = señal
payment-kind-final = pago final
payment-failed-subject = Un pago del pedido { $order } ha fallado
payment-failed-body = El pago ({ $kind }) del pedido { $order } ha fallado: { $reason }.

activation-active-subject = { $feature } está activado
activation-active-body = { $feature } ya está activado en su coche { $vin }. ¡Que lo disfrute!

activation-failed-subject = No se pudo activar { $feature }
activation-failed-body = No hemos podido activar { $feature } en su coche { $vin } ({ $reason }). No se le ha cobrado nada; nuestro equipo de soporte lo está revisando.

activation-ended-subject = { $feature } está desactivado
activation-ended-body = { $feature } se ha desactivado en su coche { $vin }.

activation-payment_failed-subject = El pago de { $feature } no se ha completado
activation-payment_failed-body = El pago de { $feature } ha fallado ({ $reason }). Lo intentaremos de nuevo; si sigue pendiente el { $graceEnds }, la función se desactivará.

payment-refunded-subject = Un reembolso de { $amount } está en camino
payment-refunded-body = Hemos reembolsado { $amount } de su pago por { $feature } ({ $reason }). Llegará a su cuenta en unos días.

payment-refunded_in_full-subject = Un reembolso de { $amount } está en camino
payment-refunded_in_full-body = Hemos reembolsado por completo su pago de { $amount } por { $feature } ({ $reason }); { $feature } se desactiva en su coche { $vin }. Llegará a su cuenta en unos días.

dealer-order_ready-subject = El pedido { $order } ha llegado de fábrica
dealer-order_ready-body = El { $model } del pedido { $order } para { $name } ha llegado a { $dealership }. Cobre el pago final y después matricule el coche.

dealer-final_payment_failed-subject = El pago final del pedido { $order } ha fallado
dealer-final_payment_failed-body = El pago final de { $name } por el { $model } del pedido { $order } no se ha completado ({ $reason }). El coche sigue reservado; cobre el pago de nuevo con otra tarjeta.

# Facturas y facturas rectificativas (PDF).
invoice-title = Factura
invoice-credit_note_title = Factura rectificativa
invoice-number = Número
invoice-date = Fecha
invoice-vehicle = Vehículo (VIN)
invoice-corrects = Rectifica la factura
invoice-buyer = CLIENTE
invoice-vat_id = NIF-IVA
invoice-description = Descripción
invoice-quantity = Cant.
invoice-unit_net = Precio unitario (neto)
invoice-net = Importe (neto)
invoice-total_net = Total neto
invoice-vat = IVA { $rate }
invoice-total_gross = Importe total
invoice-paid_note = Pagado con tarjeta. Gracias.
invoice-refund_note = El importe se devuelve a la tarjeta con la que se pagó la factura.
invoice-workshop_note = Se paga en el taller al recoger el vehículo. Gracias.

# Líneas de factura, escritas en el idioma del comprador al emitir la factura.
duration-PERMANENT = permanente
duration-MONTHLY = mensual
duration-ANNUAL = 1 año
duration-FIXED_DAYS = { $days } días
duration-TRIAL = prueba de { $days } días
line-feature = { $feature } ({ $duration }) — { $vin }
line-month = { $feature }, { $days } de { $month_days } días desde el { $from } — { $vin }
line-year = { $feature }, 1 año desde el { $from } — { $vin }
line-reservation = { $model }, señal de reserva — pedido { $order }{ $vin }
line-final = { $model }, pago final — pedido { $order }{ $vin }
line-refund = Devolución de la factura { $number }
line-labour = Mano de obra: { $description } ({ $hours } h × { $rate })
line-measured = { $description } ({ $quantity } × { $price })
line-period = { $feature }, periodo de suscripción desde el { $from } — { $vin }

## Countries, by their code.
region-DE = Alemania
region-ES = España
region-GB = Reino Unido

# Talleres: citas, órdenes de reparación, mantenimiento.
booking-requested-subject = Solicitud de cita enviada a { $workshop }
booking-requested-body = Hola, { $name }:

    hemos enviado su solicitud de «{ $service }» el { $when } a { $workshop }. El taller la confirmará en breve; hasta entonces la hora queda reservada para usted.

booking-confirmed-subject = Su cita en { $workshop } el { $when }
booking-confirmed-body = Hola, { $name }:

    { $workshop } ha confirmado su cita de «{ $service }» el { $when } (vehículo { $vin }).
    Dirección: { $address }

booking-rescheduled-subject = Su cita en { $workshop } se ha cambiado al { $when }
booking-rescheduled-body = Hola, { $name }:

    su cita de «{ $service }» en { $workshop } es ahora el { $when } (vehículo { $vin }).

booking-cancelled-subject = Su cita en { $workshop } se ha cancelado
booking-cancelled-body = Hola, { $name }:

    { $workshop } ha cancelado su cita de «{ $service }» del { $when }. Reserve otra hora en la aplicación cuando le venga bien.

booking-reminder_day-subject = Mañana: su cita en { $workshop }
booking-reminder_day-body = Hola, { $name }:

    le recordamos su cita de «{ $service }» el { $when } en { $workshop } (vehículo { $vin }).
    Dirección: { $address }
    Si no puede venir, cancélela o cámbiela en la aplicación.

booking-reminder_hour-subject = Dentro de una hora: { $service } en { $workshop }
booking-reminder_hour-body = Su cita en { $workshop } empieza el { $when }. Dirección: { $address }

workshop-booking_requested-subject = Nueva solicitud de cita: { $service } el { $when }
workshop-booking_requested-body = Un cliente solicita «{ $service }» el { $when } para el vehículo { $vin }. Confírmela en el calendario.

workshop-booking_cancelled-subject = Cita cancelada: { $service } el { $when }
workshop-booking_cancelled-body = El cliente ha cancelado «{ $service }» del { $when } para el vehículo { $vin }; la hora vuelve a estar libre.

workshop-estimate_approved-subject = Presupuesto aprobado: orden { $job }
workshop-estimate_approved-body = El cliente ha aprobado el presupuesto de la orden { $job } (vehículo { $vin }). El trabajo puede continuar.

workshop-estimate_declined-subject = Presupuesto rechazado: orden { $job }
workshop-estimate_declined-body = El cliente ha rechazado el presupuesto de la orden { $job } (vehículo { $vin }). Haga solo los trabajos aprobados o revise el presupuesto.

repair-checked_in-subject = Su vehículo está en { $workshop }
repair-checked_in-body = Su vehículo { $vin } ha sido recibido en { $workshop } (orden { $job }). Puede seguir el trabajo en la aplicación.

repair-estimate_ready-subject = Su presupuesto de { $workshop }: { $estimate }
repair-estimate_ready-body = Hola, { $name }:

    { $workshop } ha revisado su vehículo { $vin } y presupuesta los trabajos en { $estimate } (IVA incluido, orden { $job }).
    Apruébelo o recházelo en la aplicación, o aquí:

    { $link }

repair-reapproval_needed-subject = { $workshop } necesita de nuevo su aprobación
repair-reapproval_needed-body = Hola, { $name }:

    los trabajos en su vehículo { $vin } costarían { $estimate } (IVA incluido) en lugar de los { $approved } que aprobó, un { $over } % más. El taller solo continúa cuando usted decida.
    Apruebe o rechace los trabajos adicionales en la aplicación, o aquí:

    { $link }

repair-ready-subject = Su vehículo está listo en { $workshop }
repair-ready-body = Hola, { $name }:

    los trabajos en su vehículo { $vin } están terminados (orden { $job }). Puede recogerlo en { $workshop }.

repair-invoiced-subject = Su factura { $invoice } de { $workshop }
repair-invoiced-body = Hola, { $name }:

    { $workshop } ha facturado la orden { $job } de su vehículo { $vin }: { $amount }. La factura está en la aplicación, con los documentos de su vehículo.

maintenance-due-subject = Pronto toca el mantenimiento de su vehículo { $vin }
maintenance-due-body = A su vehículo { $vin } le toca el mantenimiento el { $dueDate } o a los { $dueKm } km, lo que llegue antes (ahora marca { $mileageKm } km). Reserve un taller en la aplicación.

maintenance-overdue-subject = El mantenimiento de su vehículo { $vin } está vencido
maintenance-overdue-body = El mantenimiento de su vehículo { $vin } tocaba el { $dueDate } o a los { $dueKm } km (ahora marca { $mileageKm } km). Hasta que se haga, no se pueden comprar las funciones que exigen el mantenimiento al día. Reserve un taller en la aplicación.

health-fault_code-subject = Su vehículo { $vin } informa de una avería: { $code }
health-fault_code-body = Su vehículo { $vin } informa del código de avería { $code } ({ $description }). Reserve un taller en la aplicación; si el vehículo ya tiene cita, el taller tiene el código.
health-battery_low-subject = La batería de su vehículo { $vin } está baja ({ $value } %)
health-battery_low-body = La batería de su vehículo { $vin } está al { $value } %. Cárguela pronto.
health-service_due-subject = A su vehículo { $vin } le toca el mantenimiento
health-service_due-body = Su vehículo { $vin } ha llegado a { $value } km, el kilometraje de su próximo mantenimiento. Reserve un taller en la aplicación.
health-silent-subject = Su vehículo { $vin } no da señales desde hace { $value } horas
health-silent-body = No sabemos nada de su vehículo { $vin } desde hace { $value } horas. Puede que esté sin cobertura o que haya que revisar su conexión.
health-alert-battery_low = Batería al { $value } %
health-alert-service_due = Mantenimiento pendiente ({ $value } km)
health-alert-silent = Sin noticias desde hace { $value } horas

repair-step-checked_in = El vehículo se ha recibido en el taller.
repair-step-inspected = El taller ha revisado el vehículo.
repair-step-estimate_sent = El presupuesto se ha enviado al cliente.
repair-step-reapproval_needed = Los trabajos costarían más de un 15 % sobre el presupuesto aprobado: se pregunta de nuevo al cliente.
repair-step-estimate_approved = El cliente ha aprobado el presupuesto.
repair-step-estimate_declined = El cliente ha rechazado el presupuesto.
repair-step-extra_work_declined = El cliente ha rechazado los trabajos adicionales; solo se hacen los aprobados.
repair-step-work_started = Han empezado los trabajos.
repair-step-ready = Los trabajos están terminados; se puede recoger el vehículo.
repair-step-invoiced = Se ha emitido la factura.
repair-step-collected = Se ha recogido el vehículo.
repair-step-cancelled = La orden de reparación se ha cancelado.

## What a partner may read of a car its owner shares (consents).
consent-scope-vehicles-read = El modelo, el firmware y el estado del coche
consent-scope-expediente-read = El historial del coche: propietarios, mantenimientos, reparaciones y funciones compradas
consent-scope-telemetry-read = Lo que informa el coche: kilometraje, batería o combustible, velocidad, avisos

account-identity_link-subject = Vincule su inicio de sesión con { $provider } a su cuenta de CaaS
account-identity_link-body = Hola { $name }:

    alguien ha iniciado sesión con { $provider } usando este correo y ha pedido vincularlo a su cuenta de CaaS.
    Si ha sido usted, abra este enlace para vincularlo e iniciar sesión:

    { $link }

    El enlace funciona una vez y caduca el { $expires }. Si no ha sido usted, ignore este correo: no se vincula nada.

activation-debit_returned-subject = Su banco ha devuelto el adeudo de { $feature }
activation-debit_returned-body = Su banco ha devuelto el adeudo directo SEPA de { $feature } ({ $reason }). No se volverá a cargar por sí solo: páguelo de otra forma (tarjeta, transferencia o cupón). Si sigue pendiente el { $graceEnds }, la función se desactivará.

payment-transfer_partial-subject = Ha llegado parte de su transferencia { $reference }
payment-transfer_partial-body = Hemos recibido { $received } con la referencia { $reference }. Quedan pendientes { $due }: transfiéralos con la misma referencia y su compra se activará en cuanto lleguen.

sepa-mandate-text = Mediante la aceptación de esta orden de domiciliación, usted autoriza a { $creditor } y a su proveedor de pagos a enviar instrucciones a su entidad para adeudar su cuenta, y a su entidad para efectuar los adeudos en su cuenta siguiendo esas instrucciones. Como parte de sus derechos, está legitimado al reembolso por su entidad en los términos y condiciones del contrato suscrito con la misma. La solicitud de reembolso deberá efectuarse dentro de las ocho semanas siguientes a la fecha de adeudo en cuenta.

activation-transfer_not_received-subject = { $feature } no se ha comprado: la transferencia no ha llegado
activation-transfer_not_received-body = No hemos recibido a tiempo la transferencia { $reference } de { $feature }, así que la compra se ha cancelado y no se activa nada. La parte que haya llegado está en su saldo. Puede volver a comprar { $feature } cuando quiera.

activation-active-sms = CaaS: { $feature } ya está activado en su coche { $vin }.
activation-failed-sms = CaaS: no se pudo activar { $feature } en su coche { $vin }. No se le ha cobrado nada.

offers-new_feature-subject = Novedad para su { $model }: { $feature }
offers-new_feature-body = Hola { $name }:

    { $feature } ya está disponible para su { $model }. Puede probarlo desde la aplicación.

email-unsubscribe-footer = Recibe este correo porque pidió ofertas. Darse de baja con un clic: { $link }
unsubscribe-page-title = Ofertas por correo
unsubscribe-page-ask = ¿Dejar de recibir ofertas y novedades por correo?
unsubscribe-page-button = Darse de baja
unsubscribe-page-done = Ya no recibirá ofertas por correo. Puede volver a activarlas en los ajustes de notificaciones de la aplicación.
unsubscribe-page-invalid = Este enlace de baja no es válido.

offers-campaign-subject = Para su coche { $vin }: { $feature }
offers-campaign-body = Le ofrecemos { $feature } para su coche { $vin } ({ $campaign }). Cómprelo con un toque en el catálogo de la app.

campaign-ask_on-subject = ¿Podemos activar { $feature } en su coche { $vin }?
campaign-ask_on-body = Dentro de «{ $campaign }» activaríamos { $feature } en su coche { $vin } sin coste. Responda en la app antes del { $until }; si no responde, no cambia nada.

campaign-ask_off-subject = ¿Podemos desactivar { $feature } en su coche { $vin }?
campaign-ask_off-body = Dentro de «{ $campaign }» desactivaríamos { $feature } en su coche { $vin }. Responda en la app antes del { $until }; si no responde, no cambia nada.
