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
line-period = { $feature }, periodo de suscripción desde el { $from } — { $vin }

## Countries, by their code.
region-DE = Alemania
region-ES = España
region-GB = Reino Unido
