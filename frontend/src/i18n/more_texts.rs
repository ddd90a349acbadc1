//! The texts only the customer app's second bundle shows (data rights, workshop bookings, repair
//! orders and estimates, the car's health, the profile, the identity provider's return): a table
//! of their own, compiled with the feature `more`, so that the first bundle carries none of them.

/// `(key, [en, de, es])`, sorted by key.
pub static MORE_TEXTS: &[(&str, [&str; 3])] = &[
    ("alert_kind.BATTERY_LOW", ["Battery low", "Batterie schwach", "Batería baja"]),
    ("alert_kind.FAULT_CODE", ["Fault code", "Fehlercode", "Código de avería"]),
    ("alert_kind.SERVICE_DUE", ["Service due", "Service fällig", "Revisión pendiente"]),
    ("alert_kind.SILENT", ["No signal from the car", "Kein Signal vom Fahrzeug", "El coche no envía datos"]),
    ("assistant.answering", ["Writing the answer…", "Die Antwort wird geschrieben …", "Escribiendo la respuesta…"]),
    ("assistant.ask", ["Ask", "Fragen", "Preguntar"]),
    ("assistant.book", ["Book a service", "Service buchen", "Pedir cita en el taller"]),
    ("assistant.book_car", ["Book a service for {car}", "Service für {car} buchen", "Pedir cita para {car}"]),
    (
        "assistant.by_model",
        [
            "Written by an AI model from the sources below: check there what matters to you.",
            "Von einem KI-Modell aus den Quellen unten verfasst: Prüfen Sie dort, was Ihnen wichtig ist.",
            "Redactada por un modelo de IA a partir de las fuentes de abajo: comprueba allí lo que te importe.",
        ],
    ),
    ("assistant.call", ["Call {workshop}: {phone}", "{workshop} anrufen: {phone}", "Llamar a {workshop}: {phone}"]),
    (
        "assistant.conversation",
        ["Conversation with the assistant", "Unterhaltung mit dem Assistenten", "Conversación con el asistente"],
    ),
    ("assistant.delete", ["Delete this conversation", "Diese Unterhaltung löschen", "Borrar esta conversación"]),
    ("assistant.question", ["Your question", "Ihre Frage", "Tu pregunta"]),
    ("assistant.sources", ["Sources", "Quellen", "Fuentes"]),
    ("assistant.you", ["You", "Sie", "Tú"]),
    ("booking.book", ["Book", "Termin buchen", "Reservar cita"]),
    ("booking.cancel", ["Cancel booking", "Termin stornieren", "Cancelar la cita"]),
    (
        "booking.cancel_ask",
        [
            "Cancel your appointment on {date}? The time is freed for others.",
            "Ihren Termin am {date} stornieren? Die Zeit wird für andere frei.",
            "¿Cancelar tu cita del {date}? El hueco queda libre para otros.",
        ],
    ),
    ("booking.cancel_confirm", ["Yes, cancel", "Ja, stornieren", "Sí, cancelar"]),
    ("booking.cancel_keep", ["Keep it", "Behalten", "Mantener"]),
    (
        "booking.choose_service",
        [
            "Choose a service to see the free times.",
            "Wählen Sie einen Service, um die freien Zeiten zu sehen.",
            "Elige un servicio para ver las horas libres.",
        ],
    ),
    ("booking.coming", ["Coming up", "Anstehend", "Próximas"]),
    (
        "booking.confirms_soon",
        ["The workshop confirms soon.", "Die Werkstatt bestätigt in Kürze.", "El taller la confirmará pronto."],
    ),
    ("booking.earlier", ["Earlier", "Früher", "Antes"]),
    ("booking.earlier_bookings", ["Earlier bookings", "Frühere Termine", "Citas anteriores"]),
    ("booking.free_times", ["Free times", "Freie Zeiten", "Horas libres"]),
    ("booking.later", ["Later", "Später", "Más tarde"]),
    ("booking.loan_car", ["I need a loan car", "Ich brauche einen Ersatzwagen", "Necesito un coche de sustitución"]),
    (
        "booking.local_times",
        [
            "Times are local time in {city}, where the workshop is.",
            "Uhrzeiten in Ortszeit von {city}, wo die Werkstatt ist.",
            "Horas en hora local de {city}, donde está el taller.",
        ],
    ),
    (
        "booking.no_services",
        [
            "This workshop offers no services to book yet.",
            "Diese Werkstatt bietet noch keine buchbaren Services an.",
            "Este taller aún no ofrece servicios para reservar.",
        ],
    ),
    (
        "booking.no_slots",
        ["No free times on these days.", "An diesen Tagen ist nichts frei.", "No hay horas libres en estos días."],
    ),
    (
        "booking.no_workshops",
        [
            "No workshop in this region yet.",
            "In dieser Region gibt es noch keine Werkstatt.",
            "Aún no hay talleres en esta región.",
        ],
    ),
    ("booking.none", ["No bookings yet.", "Noch keine Termine.", "Aún no tienes citas."]),
    (
        "booking.notes",
        [
            "What should be done, or what did you notice? (optional)",
            "Was soll gemacht werden, was ist Ihnen aufgefallen? (optional)",
            "¿Qué hay que hacer o qué has notado? (opcional)",
        ],
    ),
    (
        "booking.offline",
        [
            "Booking needs a connection: you are offline.",
            "Zum Buchen brauchen Sie eine Verbindung: Sie sind offline.",
            "Para reservar necesitas conexión: ahora no tienes.",
        ],
    ),
    (
        "booking.pick_slot",
        ["Pick one of the free times.", "Wählen Sie eine der freien Zeiten.", "Elige una de las horas libres."],
    ),
    ("booking.repair_order", ["Repair order {number}", "Werkstattauftrag {number}", "Orden de reparación {number}"]),
    ("booking.requested", ["Appointment requested", "Termin angefragt", "Cita solicitada"]),
    ("booking.service", ["Service", "Leistung", "Servicio"]),
    ("booking.with_loan_car", ["With a loan car", "Mit Ersatzwagen", "Con coche de sustitución"]),
    ("booking.workshop", ["Workshop", "Werkstatt", "Taller"]),
    ("booking_status.CANCELLED", ["Cancelled", "Storniert", "Cancelada"]),
    ("booking_status.CHECKED_IN", ["Car at the workshop", "Fahrzeug in der Werkstatt", "Coche en el taller"]),
    ("booking_status.COMPLETED", ["Done", "Erledigt", "Completada"]),
    ("booking_status.CONFIRMED", ["Confirmed", "Bestätigt", "Confirmada"]),
    ("booking_status.NO_SHOW", ["Missed", "Nicht erschienen", "No se presentó"]),
    ("booking_status.REQUESTED", ["Requested", "Angefragt", "Solicitada"]),
    (
        "credit.added",
        ["{amount} added to your credit.", "{amount} Ihrem Guthaben gutgeschrieben.", "{amount} añadidos a tu saldo."],
    ),
    (
        "credit.again",
        [
            "Already redeemed: nothing added.",
            "Bereits eingelöst: nichts hinzugefügt.",
            "Ya canjeado: no se ha añadido nada.",
        ],
    ),
    ("credit.none", ["No credit yet.", "Noch kein Guthaben.", "Aún no tienes saldo."]),
    (
        "credit.queued",
        [
            "Offline: it is redeemed when the connection is back.",
            "Offline: Er wird eingelöst, sobald die Verbindung zurück ist.",
            "Sin conexión: se canjea cuando vuelva la conexión.",
        ],
    ),
    ("credit.redeem", ["Redeem", "Einlösen", "Canjear"]),
    ("credit.title", ["Credit", "Guthaben", "Saldo"]),
    ("estimate.approved", ["Estimate approved", "Kostenvoranschlag freigegeben", "Presupuesto aprobado"]),
    ("estimate.declined", ["Estimate declined", "Kostenvoranschlag abgelehnt", "Presupuesto rechazado"]),
    (
        "estimate.gone",
        [
            "This link has expired or was already used. Sign in to the app to see your repair order, or call the workshop.",
            "Dieser Link ist abgelaufen oder wurde schon verwendet. Melden Sie sich in der App an, um Ihren Auftrag zu sehen, oder rufen Sie die Werkstatt an.",
            "Este enlace ha caducado o ya se usó. Inicia sesión en la app para ver tu orden de reparación o llama al taller.",
        ],
    ),
    (
        "estimate.gone_title",
        ["This link no longer works", "Dieser Link gilt nicht mehr", "Este enlace ya no es válido"],
    ),
    (
        "estimate.reapproval",
        [
            "The work would now cost {estimate} instead of the {approved} you approved. The workshop waits for your decision.",
            "Die Arbeiten würden jetzt {estimate} statt der freigegebenen {approved} kosten. Die Werkstatt wartet auf Ihre Entscheidung.",
            "El trabajo costaría ahora {estimate} en lugar de los {approved} que aprobaste. El taller espera tu decisión.",
        ],
    ),
    (
        "estimate.told",
        [
            "The workshop has been told (repair order {number}).",
            "Die Werkstatt ist informiert (Auftrag {number}).",
            "El taller ya lo sabe (orden {number}).",
        ],
    ),
    (
        "estimate.valid_until",
        ["This link works until {date}.", "Dieser Link gilt bis {date}.", "Este enlace es válido hasta el {date}."],
    ),
    ("health.alerts", ["Alerts", "Warnungen", "Alertas"]),
    ("health.battery", ["Battery charge", "Ladezustand", "Carga de la batería"]),
    ("health.book_workshop", ["Book a workshop", "Werkstatttermin buchen", "Pedir cita en el taller"]),
    (
        "health.chart_summary",
        [
            "{title} from {from} to {to}: between {min} and {max}, latest {last}.",
            "{title} von {from} bis {to}: zwischen {min} und {max}, zuletzt {last}.",
            "{title} del {from} al {to}: entre {min} y {max}; el último, {last}.",
        ],
    ),
    ("health.day", ["24 hours", "24 Stunden", "24 horas"]),
    ("health.fault_codes", ["Fault codes", "Fehlercodes", "Códigos de avería"]),
    ("health.fuel", ["Fuel", "Tankinhalt", "Combustible"]),
    ("health.history", ["History", "Verlauf", "Historial"]),
    ("health.low_voltage", ["12 V battery", "12-V-Batterie", "Batería de 12 V"]),
    ("health.mileage", ["Mileage", "Kilometerstand", "Kilometraje"]),
    ("health.month", ["30 days", "30 Tage", "30 días"]),
    (
        "health.no_alerts",
        [
            "No open alerts: all is well.",
            "Keine offenen Warnungen: alles in Ordnung.",
            "Sin alertas abiertas: todo en orden.",
        ],
    ),
    (
        "health.no_points",
        ["No readings in this period.", "Keine Messwerte in diesem Zeitraum.", "No hay lecturas en este periodo."],
    ),
    (
        "health.no_reading",
        [
            "The car has not sent any readings yet.",
            "Das Fahrzeug hat noch keine Messwerte gesendet.",
            "El coche aún no ha enviado datos.",
        ],
    ),
    ("health.odometer", ["Odometer", "Kilometerstand", "Cuentakilómetros"]),
    ("health.past_alerts", ["Past alerts", "Frühere Warnungen", "Alertas anteriores"]),
    ("health.period", ["Period", "Zeitraum", "Periodo"]),
    ("health.recorded_at", ["Time of reading", "Zeitpunkt der Messung", "Hora de la lectura"]),
    ("health.since", ["Since {date}", "Seit {date}", "Desde el {date}"]),
    ("health.week", ["7 days", "7 Tage", "7 días"]),
    (
        "help.intro",
        [
            "Answers to common questions. The assistant answers from them too.",
            "Antworten auf häufige Fragen. Auch der Assistent antwortet daraus.",
            "Respuestas a preguntas frecuentes. El asistente también responde a partir de ellas.",
        ],
    ),
    (
        "help.none",
        [
            "No questions here yet in your language.",
            "Hier gibt es noch keine Fragen in Ihrer Sprache.",
            "Aún no hay preguntas en tu idioma.",
        ],
    ),
    ("help.platform", ["General questions", "Allgemeine Fragen", "Preguntas generales"]),
    ("help.workshop", ["From your workshop", "Von Ihrer Werkstatt", "De tu taller"]),
    ("notice_kind.ACTIVATION_RESULT", ["Feature activations", "Aktivierung von Funktionen", "Activación de funciones"]),
    ("notice_kind.BILLING", ["Payments and invoices", "Zahlungen und Rechnungen", "Pagos y facturas"]),
    (
        "notice_kind.HEALTH_ALERTS",
        ["Car health warnings", "Warnungen zum Fahrzeugzustand", "Avisos del estado del coche"],
    ),
    ("notice_kind.OFFERS", ["Offers and news", "Angebote und Neuigkeiten", "Ofertas y novedades"]),
    ("notice_kind.ORDER_PROGRESS", ["Order progress", "Fortschritt der Bestellung", "Progreso del pedido"]),
    ("notice_kind.REMINDERS", ["Reminders", "Erinnerungen", "Recordatorios"]),
    ("notice_kind.SECURITY", ["Sign-in and security", "Anmeldung und Sicherheit", "Acceso y seguridad"]),
    ("oidc.again", ["Back to sign-in", "Zurück zur Anmeldung", "Volver a iniciar sesión"]),
    (
        "oidc.email_sent",
        [
            "We have sent you an e-mail: open its link to link your account.",
            "Wir haben Ihnen eine E-Mail geschickt: Öffnen Sie den Link darin, um Ihr Konto zu verknüpfen.",
            "Te hemos enviado un correo: abre su enlace para vincular tu cuenta.",
        ],
    ),
    (
        "oidc.error.code",
        [
            "The sign-in code was used already or has expired. Please try again.",
            "Der Anmeldecode wurde schon verwendet oder ist abgelaufen. Bitte erneut versuchen.",
            "El código de acceso ya se usó o ha caducado. Inténtalo de nuevo.",
        ],
    ),
    (
        "oidc.error.not_configured",
        [
            "This sign-in is not offered here.",
            "Diese Anmeldung wird hier nicht angeboten.",
            "Este inicio de sesión no se ofrece aquí.",
        ],
    ),
    (
        "oidc.error.other",
        [
            "The sign-in did not work. Please try again.",
            "Die Anmeldung hat nicht funktioniert. Bitte erneut versuchen.",
            "No se pudo iniciar sesión. Inténtalo de nuevo.",
        ],
    ),
    (
        "oidc.error.refused",
        [
            "The sign-in was cancelled or refused.",
            "Die Anmeldung wurde abgebrochen oder abgelehnt.",
            "El inicio de sesión se canceló o fue rechazado.",
        ],
    ),
    (
        "oidc.error.return_to",
        [
            "That return address is not part of this site.",
            "Diese Rücksprungadresse gehört nicht zu dieser Seite.",
            "Esa dirección de regreso no es de este sitio.",
        ],
    ),
    (
        "oidc.error.state",
        [
            "This sign-in has expired or was used already. Please start again.",
            "Diese Anmeldung ist abgelaufen oder wurde schon verwendet. Bitte neu beginnen.",
            "Este inicio de sesión ha caducado o ya se usó. Empieza de nuevo.",
        ],
    ),
    (
        "oidc.error.token_audience",
        [
            "The identity provider's answer was meant for another app and was refused.",
            "Die Antwort des Identitätsanbieters war für eine andere App bestimmt und wurde abgelehnt.",
            "La respuesta del proveedor de identidad era para otra aplicación y se rechazó.",
        ],
    ),
    (
        "oidc.error.token_expired",
        [
            "The identity provider's answer had expired. Please try again.",
            "Die Antwort des Identitätsanbieters war abgelaufen. Bitte erneut versuchen.",
            "La respuesta del proveedor de identidad había caducado. Inténtalo de nuevo.",
        ],
    ),
    (
        "oidc.error.token_nonce",
        [
            "The identity provider's answer did not belong to this sign-in and was refused.",
            "Die Antwort des Identitätsanbieters gehörte nicht zu dieser Anmeldung und wurde abgelehnt.",
            "La respuesta del proveedor de identidad no era de este inicio de sesión y se rechazó.",
        ],
    ),
    (
        "oidc.error.token_signature",
        [
            "The identity provider's answer was not genuine and was refused.",
            "Die Antwort des Identitätsanbieters war nicht echt und wurde abgelehnt.",
            "La respuesta del proveedor de identidad no era auténtica y se rechazó.",
        ],
    ),
    (
        "oidc.error.unavailable",
        [
            "The identity provider cannot be reached right now. Please try again later.",
            "Der Identitätsanbieter ist gerade nicht erreichbar. Bitte später erneut versuchen.",
            "No se puede contactar con el proveedor de identidad. Inténtalo más tarde.",
        ],
    ),
    (
        "oidc.link_email",
        ["Send me an e-mail link instead", "Stattdessen einen Link per E-Mail senden", "Enviarme un enlace por correo"],
    ),
    (
        "oidc.link_intro",
        [
            "An account with {email} exists already. Prove it is yours to link it: sign in with its password, or get a link by e-mail.",
            "Es gibt bereits ein Konto mit {email}. Bestätigen Sie, dass es Ihres ist, um es zu verknüpfen: mit seinem Passwort oder einem Link per E-Mail.",
            "Ya existe una cuenta con {email}. Demuestra que es tuya para vincularla: entra con su contraseña o recibe un enlace por correo.",
        ],
    ),
    ("oidc.link_password", ["Sign in and link", "Anmelden und verknüpfen", "Entrar y vincular"]),
    ("oidc.signing_in", ["Signing you in…", "Sie werden angemeldet…", "Iniciando sesión…"]),
    ("page.book_service", ["Book a service", "Service buchen", "Pedir cita en el taller"]),
    ("page.bookings", ["My bookings", "Meine Termine", "Mis citas"]),
    ("page.estimate", ["Estimate", "Kostenvoranschlag", "Presupuesto"]),
    ("page.help", ["Help", "Hilfe", "Ayuda"]),
    ("page.notification_settings", ["Notification settings", "Benachrichtigungen", "Ajustes de avisos"]),
    ("page.oidc", ["Signing in", "Anmeldung", "Inicio de sesión"]),
    ("page.privacy", ["Your data and privacy", "Ihre Daten und Datenschutz", "Tus datos y privacidad"]),
    ("page.profile", ["Profile", "Profil", "Perfil"]),
    ("page.repair_order", ["Repair order", "Werkstattauftrag", "Orden de reparación"]),
    (
        "privacy.consents_explain",
        [
            "Partners you allow read your car's data, only what you tick. You can take it back at any time.",
            "Partner, denen Sie es erlauben, lesen die Daten Ihres Fahrzeugs, nur was Sie ankreuzen. Sie können es jederzeit zurücknehmen.",
            "Los socios a los que lo permitas leen los datos de tu coche, solo lo que marques. Puedes retirarlo cuando quieras.",
        ],
    ),
    (
        "privacy.consents_title",
        ["Who may read your cars", "Wer Ihre Fahrzeuge lesen darf", "Quién puede leer tus coches"],
    ),
    ("privacy.download", ["Download", "Herunterladen", "Descargar"]),
    ("privacy.erase", ["Erase my account", "Mein Konto löschen", "Eliminar mi cuenta"]),
    (
        "privacy.erase_asked",
        [
            "Your account will be erased at the date below, unless you cancel.",
            "Ihr Konto wird zum unten genannten Datum gelöscht, wenn Sie nicht abbrechen.",
            "Tu cuenta se eliminará en la fecha indicada, salvo que lo canceles.",
        ],
    ),
    ("privacy.erase_cancel", ["Cancel the erasure", "Löschung abbrechen", "Cancelar la eliminación"]),
    (
        "privacy.erase_cancelled",
        [
            "Erasure cancelled: your account stays.",
            "Löschung abgebrochen: Ihr Konto bleibt.",
            "Eliminación cancelada: tu cuenta se mantiene.",
        ],
    ),
    (
        "privacy.erase_due",
        [
            "Your account will be erased on {date}.",
            "Ihr Konto wird am {date} gelöscht.",
            "Tu cuenta se eliminará el {date}.",
        ],
    ),
    (
        "privacy.erase_explain",
        [
            "Your account and personal data are erased 7 days after you ask, unless you cancel before. Not possible while a car sale or a repair of yours is open.",
            "Ihr Konto und Ihre persönlichen Daten werden 7 Tage nach Ihrem Antrag gelöscht, wenn Sie nicht vorher abbrechen. Nicht möglich, solange ein Fahrzeugkauf oder eine Reparatur offen ist.",
            "Tu cuenta y tus datos personales se eliminan 7 días después de pedirlo, salvo que lo canceles antes. No es posible con una compra de coche o una reparación abierta.",
        ],
    ),
    (
        "privacy.erase_password",
        ["Your password, to confirm", "Ihr Passwort zur Bestätigung", "Tu contraseña, para confirmar"],
    ),
    ("privacy.erase_title", ["Erase your account", "Konto löschen", "Eliminar tu cuenta"]),
    ("privacy.export_ask", ["Ask for a copy", "Kopie anfordern", "Pedir una copia"]),
    (
        "privacy.export_asked",
        [
            "Asked: your copy is being put together.",
            "Angefordert: Ihre Kopie wird erstellt.",
            "Pedida: tu copia se está preparando.",
        ],
    ),
    ("privacy.export_expired", ["Expired", "Abgelaufen", "Caducada"]),
    (
        "privacy.export_explain",
        [
            "Everything we hold about you, in one JSON file: ready in a moment, downloadable for 48 hours. Once a day.",
            "Alles, was wir über Sie speichern, in einer JSON-Datei: gleich fertig, 48 Stunden herunterladbar. Einmal am Tag.",
            "Todo lo que guardamos sobre ti, en un archivo JSON: lista en un momento, descargable durante 48 horas. Una vez al día.",
        ],
    ),
    ("privacy.export_of", ["Copy asked for on {date}", "Kopie vom {date}", "Copia pedida el {date}"]),
    ("privacy.export_pending", ["Being put together…", "Wird erstellt …", "Preparándose…"]),
    (
        "privacy.export_ready",
        ["Ready: download until {date}", "Fertig: herunterladbar bis {date}", "Lista: descárgala hasta el {date}"],
    ),
    ("privacy.export_title", ["A copy of your data", "Eine Kopie Ihrer Daten", "Una copia de tus datos"]),
    ("privacy.grant", ["Allow", "Erlauben", "Permitir"]),
    ("privacy.granted", ["Allowed.", "Erlaubt.", "Permitido."]),
    (
        "privacy.no_consents",
        [
            "No partner may read this car.",
            "Kein Partner darf dieses Fahrzeug lesen.",
            "Ningún socio puede leer este coche.",
        ],
    ),
    (
        "privacy.no_exports",
        [
            "You have not asked for a copy yet.",
            "Sie haben noch keine Kopie angefordert.",
            "Aún no has pedido una copia.",
        ],
    ),
    ("privacy.partner", ["Partner", "Partner", "Socio"]),
    ("privacy.revoke", ["Take back", "Zurücknehmen", "Retirar"]),
    (
        "privacy.revoked",
        [
            "Taken back: the partner no longer reads this car.",
            "Zurückgenommen: Der Partner liest dieses Fahrzeug nicht mehr.",
            "Retirado: el socio ya no lee este coche.",
        ],
    ),
    (
        "privacy.scope_rule",
        [
            "Tick at least one thing to share.",
            "Kreuzen Sie mindestens eine Sache an.",
            "Marca al menos una cosa para compartir.",
        ],
    ),
    ("privacy.scopes", ["What they may read", "Was er lesen darf", "Qué puede leer"]),
    ("privacy.since", ["since {date}", "seit {date}", "desde el {date}"]),
    ("profile.card", ["Payment card", "Zahlungskarte", "Tarjeta de pago"]),
    ("profile.card_until", ["valid until", "gültig bis", "válida hasta"]),
    ("profile.change_password", ["Change password", "Passwort ändern", "Cambiar la contraseña"]),
    ("profile.current_password", ["Current password", "Aktuelles Passwort", "Contraseña actual"]),
    ("profile.language", ["Language", "Sprache", "Idioma"]),
    ("profile.no_card", ["No card saved yet.", "Noch keine Karte hinterlegt.", "Aún no hay ninguna tarjeta guardada."]),
    (
        "profile.notification_settings",
        [
            "Notification settings: channels, quiet hours, push",
            "Benachrichtigungen: Kanäle, Ruhezeiten, Push",
            "Ajustes de avisos: canales, horas de silencio, push",
        ],
    ),
    ("profile.password_changed", ["Password changed.", "Passwort geändert.", "Contraseña cambiada."]),
    (
        "profile.privacy",
        [
            "Your data and privacy: a copy, erasure, who reads your cars",
            "Ihre Daten: Kopie, Löschung, wer Ihre Fahrzeuge liest",
            "Tus datos: copia, eliminación, quién lee tus coches",
        ],
    ),
    ("profile.region", ["Region", "Region", "Región"]),
    ("profile.save", ["Save", "Speichern", "Guardar"]),
    ("profile.saved", ["Saved.", "Gespeichert.", "Guardado."]),
    (
        "repair.approval_ask",
        [
            "The workshop sent an estimate. Approve it so the work can start, or decline it.",
            "Die Werkstatt hat einen Kostenvoranschlag geschickt. Geben Sie ihn frei, damit die Arbeit beginnen kann, oder lehnen Sie ihn ab.",
            "El taller te ha enviado un presupuesto. Apruébalo para que empiecen el trabajo o recházalo.",
        ],
    ),
    (
        "repair.approved_done",
        [
            "Approved: the workshop has been told.",
            "Freigegeben: die Werkstatt ist informiert.",
            "Aprobado: el taller ya lo sabe.",
        ],
    ),
    ("repair.checked_in", ["Checked in", "Angenommen am", "Recibido el"]),
    ("repair.complaint", ["Reported problem", "Beanstandung", "Problema indicado"]),
    ("repair.contact", ["Contact", "Kontakt", "Contacto"]),
    (
        "repair.declined_done",
        [
            "Declined: the workshop has been told.",
            "Abgelehnt: die Werkstatt ist informiert.",
            "Rechazado: el taller ya lo sabe.",
        ],
    ),
    ("repair.estimate", ["Estimate", "Kostenvoranschlag", "Presupuesto"]),
    ("repair.odometer", ["Odometer", "Kilometerstand", "Kilometraje"]),
    (
        "repair.reapproval_ask",
        [
            "The work would cost {percent} % more than you approved. The workshop waits for your decision before going on.",
            "Die Arbeiten würden {percent} % mehr kosten als freigegeben. Die Werkstatt wartet auf Ihre Entscheidung, bevor sie weitermacht.",
            "El trabajo costaría un {percent} % más de lo que aprobaste. El taller espera tu decisión para seguir.",
        ],
    ),
    ("repair.timeline", ["What happened, live", "Verlauf, live", "Historial, en directo"]),
    ("repair.your_decision", ["Your decision", "Ihre Entscheidung", "Tu decisión"]),
    ("settings.added", ["added {date}", "hinzugefügt am {date}", "añadido el {date}"]),
    ("settings.channels", ["How each notice reaches you", "Wie Sie Hinweise erhalten", "Cómo te llega cada aviso"]),
    (
        "settings.channels_explain",
        [
            "Every notice is also in the app.",
            "Jeder Hinweis steht auch in der App.",
            "Todos los avisos están también en la app.",
        ],
    ),
    (
        "settings.device_removed",
        [
            "The device gets no more push notifications.",
            "Das Gerät erhält keine Push-Benachrichtigungen mehr.",
            "El dispositivo ya no recibe notificaciones push.",
        ],
    ),
    (
        "settings.devices",
        [
            "Devices with push notifications",
            "Geräte mit Push-Benachrichtigungen",
            "Dispositivos con notificaciones push",
        ],
    ),
    ("settings.email", ["E-mail", "E-Mail", "Correo"]),
    ("settings.email_required", ["Always by e-mail", "Immer per E-Mail", "Siempre por correo"]),
    ("settings.last_push", ["last notice {when}", "letzte Nachricht {when}", "último aviso {when}"]),
    ("settings.no_devices", ["No devices yet.", "Noch keine Geräte.", "Aún no hay dispositivos."]),
    ("settings.no_push_yet", ["no notice yet", "noch keine Nachricht", "aún sin avisos"]),
    (
        "settings.phone",
        [
            "Mobile number (international, e.g. +34600123456)",
            "Handynummer (international, z. B. +4915112345678)",
            "Número de móvil (internacional, p. ej. +34600123456)",
        ],
    ),
    ("settings.push", ["Push", "Push", "Push"]),
    (
        "settings.push_denied",
        [
            "Notifications are blocked for this site: allow them in your browser's settings, then try again.",
            "Benachrichtigungen sind für diese Seite blockiert: Erlauben Sie sie in den Browser-Einstellungen und versuchen Sie es erneut.",
            "Las notificaciones están bloqueadas para este sitio: permítelas en los ajustes del navegador y vuelve a intentarlo.",
        ],
    ),
    (
        "settings.push_enable",
        [
            "Get push notifications on this device",
            "Push-Benachrichtigungen auf diesem Gerät erhalten",
            "Recibir notificaciones push en este dispositivo",
        ],
    ),
    (
        "settings.push_explain",
        [
            "Your browser will ask whether CaaS may send you notifications.",
            "Ihr Browser fragt, ob CaaS Ihnen Benachrichtigungen senden darf.",
            "Tu navegador te preguntará si CaaS puede enviarte notificaciones.",
        ],
    ),
    (
        "settings.push_failed",
        [
            "The browser's push service could not be reached. Try again later.",
            "Der Push-Dienst des Browsers ist nicht erreichbar. Bitte später erneut versuchen.",
            "No se pudo contactar con el servicio push del navegador. Inténtalo más tarde.",
        ],
    ),
    (
        "settings.push_not_offered",
        [
            "Push notifications are not available at the moment.",
            "Push-Benachrichtigungen sind derzeit nicht verfügbar.",
            "Las notificaciones push no están disponibles por ahora.",
        ],
    ),
    (
        "settings.push_on",
        [
            "This device gets push notifications.",
            "Dieses Gerät erhält Push-Benachrichtigungen.",
            "Este dispositivo recibe notificaciones push.",
        ],
    ),
    ("settings.push_title", ["Push on this device", "Push auf diesem Gerät", "Push en este dispositivo"]),
    (
        "settings.push_unsupported",
        [
            "This browser cannot receive push notifications. On an iPhone, add CaaS to the home screen first.",
            "Dieser Browser kann keine Push-Benachrichtigungen empfangen. Auf dem iPhone fügen Sie CaaS zuerst zum Home-Bildschirm hinzu.",
            "Este navegador no puede recibir notificaciones push. En un iPhone, añade primero CaaS a la pantalla de inicio.",
        ],
    ),
    (
        "settings.quiet_explain",
        [
            "No push notifications or text messages in these hours: they wait until the end.",
            "In diesen Stunden keine Push-Nachrichten oder SMS: Sie kommen danach.",
            "Sin notificaciones push ni SMS en estas horas: llegan al terminar.",
        ],
    ),
    ("settings.quiet_from", ["From", "Von", "Desde"]),
    ("settings.quiet_on", ["Quiet hours on", "Ruhezeiten an", "Horas de silencio activadas"]),
    ("settings.quiet_title", ["Quiet hours", "Ruhezeiten", "Horas de silencio"]),
    ("settings.quiet_until", ["Until", "Bis", "Hasta"]),
    ("settings.remove_device", ["Remove", "Entfernen", "Quitar"]),
    ("settings.save", ["Save", "Speichern", "Guardar"]),
    ("settings.saved", ["Saved.", "Gespeichert.", "Guardado."]),
    ("settings.sms", ["SMS", "SMS", "SMS"]),
    (
        "settings.sms_needs_phone",
        [
            "Text messages need your mobile number and your consent below.",
            "Für SMS brauchen wir unten Ihre Handynummer und Ihre Zustimmung.",
            "Para recibir SMS necesitamos abajo tu número de móvil y tu consentimiento.",
        ],
    ),
    ("settings.sms_opt_in", ["Send me text messages", "SMS an mich senden", "Enviarme SMS"]),
    ("settings.sms_title", ["Text messages", "SMS", "SMS"]),
    ("settings.this_device", ["this device", "dieses Gerät", "este dispositivo"]),
    ("settings.time_zone", ["Time zone", "Zeitzone", "Zona horaria"]),
];
