# Benachrichtigungen und E-Mails, Deutsch.

status-AWAITING_RESERVATION = wartet auf die Anzahlung
status-ORDERED = beim Werk bestellt
status-IN_PRODUCTION = in Produktion
status-PAINTING = in der Lackiererei
status-ASSEMBLY = in der Montage
status-QUALITY_CHECK = in der Qualitätskontrolle
status-SHIPPED = unterwegs zum Autohaus
status-READY = abholbereit im Autohaus
status-PAID = vollständig bezahlt
status-REGISTERED = zugelassen
status-DELIVERED = übergeben
status-CANCELLED = storniert

account-welcome-subject = Willkommen bei CaaS, { $name }
account-welcome-body = Hallo { $name },

    willkommen bei CaaS. Ihr Auto, seine Geschichte und seine Funktionen warten in der App auf Sie.

account-set_password-subject = Legen Sie Ihr CaaS-Passwort fest
account-set_password-body = Hallo { $name },

    { $dealership } hat Ihren Kauf eines { $model } registriert (Auftrag { $order }).
    Legen Sie Ihr Passwort fest, um die Fertigung Ihres Autos zu verfolgen und es später zu verwalten:

    { $link }

    Der Link funktioniert einmal und läuft am { $expires } ab.

account-invitation-subject = Sie sind zu CaaS eingeladen
account-invitation-body = Hallo { $name },

    Sie wurden eingeladen, auf der CaaS-Plattform zu arbeiten (Rolle: { $role }).
    Legen Sie Ihr Passwort fest, um sich anzumelden:

    { $link }

    Der Link funktioniert einmal und läuft am { $expires } ab.

privacy-export_ready-subject = Ihr CaaS-Datenexport ist bereit
privacy-export_ready-body = Hallo,

    die angeforderte Kopie Ihrer Daten ist bereit. Laden Sie sie bis { $expires } unter Datenschutz
    in der CaaS-App herunter (angemeldet mit Ihrem Konto); danach wird sie gelöscht.

privacy-erasure_scheduled-subject = Ihr CaaS-Konto wird gelöscht
privacy-erasure_scheduled-body = Hallo { $name },

    Sie haben die Löschung Ihres CaaS-Kontos beantragt. Es wird am { $due } gelöscht.
    Bis dahin können Sie die Löschung unter Datenschutz in der CaaS-App widerrufen.
    Rechnungen werden so lange aufbewahrt, wie das Gesetz es verlangt; Ihre Angaben darin sind für die Steuerbehörden versiegelt.

account-password_reset-subject = Setzen Sie Ihr CaaS-Passwort zurück
account-password_reset-body = Hallo { $name },

    für Ihr CaaS-Konto wurde ein neues Passwort angefordert. Wählen Sie es hier:

    { $link }

    Der Link funktioniert einmal und läuft am { $expires } ab. Ihre anderen Sitzungen enden, sobald Sie ihn benutzen.
    Falls Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt, wie es ist.

account-password_link-subject = Ihr neuer Link zum Festlegen Ihres CaaS-Passworts
account-password_link-body = Hallo { $name },

    hier ist ein neuer Link, um das Passwort Ihres CaaS-Kontos festzulegen:

    { $link }

    Der Link funktioniert einmal und läuft am { $expires } ab. Früher erhaltene Links funktionieren nicht mehr.

order-stage_reached-subject = Ihr { $model }: { $stage }
order-stage_reached-body = Hallo { $name },

    neuer Stand Ihres { $model } (Auftrag { $order }): { $stage }.

order-ready-subject = Ihr { $model } ist da
order-ready-body = Hallo { $name },

    Ihr { $model } (Auftrag { $order }) ist bei { $dealership } eingetroffen. Jetzt ist die Schlusszahlung fällig; Ihr Händler meldet sich bei Ihnen.

order-ready_for_delivery-subject = Ihr { $model } ist zugelassen und bereit zur Übergabe
order-ready_for_delivery-body = Hallo { $name },

    Ihr { $model } ist mit dem Kennzeichen { $plate } zugelassen und steht bei { $dealership } zur Übergabe bereit.

order-final_payment_failed-subject = Die Schlusszahlung für Auftrag { $order } ist fehlgeschlagen
order-final_payment_failed-body = Hallo { $name },

    die Schlusszahlung für Ihren { $model } (Auftrag { $order }) ist nicht durchgegangen ({ $reason }). Ihr { $model } bleibt für Sie reserviert: { $dealership } nimmt die Zahlung gern mit einer anderen Karte entgegen.

order-registration_refused-subject = Zulassung für Auftrag { $order } abgelehnt
order-registration_refused-body = Die Behörde hat die Zulassung des { $model } aus Auftrag { $order } abgelehnt: { $reason }.

order-cancelled-subject = Auftrag { $order } wurde storniert
order-cancelled-body = Hallo { $name },

    Ihr Auftrag { $order } für einen { $model } wurde storniert: { $reason }.

order-delivered-subject = Viel Freude mit Ihrem { $model }
order-delivered-body = Hallo { $name },

    Ihr { $model } wurde übergeben. Willkommen an Bord!

vehicle-traded_in-subject = Ihr { $model } ist jetzt bei { $dealership }
vehicle-traded_in-body = Hallo { $name },

    { $dealership } hat Ihren { $model } ({ $vin }) in den eigenen Bestand zurückgenommen. Seine Abonnements sind beendet, und das Auto ist nicht mehr in Ihrem Konto; dauerhaft gekaufte Funktionen bleiben beim Auto.

payment-kind-reservation = Anzahlung
payment-kind-final = Schlusszahlung
payment-failed-subject = Eine Zahlung für Auftrag { $order } ist fehlgeschlagen
payment-failed-body = Die Zahlung ({ $kind }) für Auftrag { $order } ist fehlgeschlagen: { $reason }.

activation-active-subject = { $feature } ist eingeschaltet
activation-active-body = { $feature } ist jetzt in Ihrem Auto { $vin } eingeschaltet. Viel Freude damit!

activation-failed-subject = { $feature } konnte nicht eingeschaltet werden
activation-failed-body = Wir konnten { $feature } in Ihrem Auto { $vin } nicht einschalten ({ $reason }). Ihnen wurde nichts berechnet; unser Support kümmert sich darum.

activation-ended-subject = { $feature } ist ausgeschaltet
activation-ended-body = { $feature } wurde in Ihrem Auto { $vin } ausgeschaltet.

activation-payment_failed-subject = Die Zahlung für { $feature } ist nicht durchgegangen
activation-payment_failed-body = Die Zahlung für { $feature } ist fehlgeschlagen ({ $reason }). Wir versuchen es erneut; ist sie am { $graceEnds } noch offen, wird die Funktion ausgeschaltet.

payment-refunded-subject = Eine Erstattung über { $amount } ist unterwegs
payment-refunded-body = Wir haben { $amount } Ihrer Zahlung für { $feature } erstattet ({ $reason }). Der Betrag ist in einigen Tagen auf Ihrem Konto.

payment-refunded_in_full-subject = Eine Erstattung über { $amount } ist unterwegs
payment-refunded_in_full-body = Wir haben Ihre Zahlung über { $amount } für { $feature } vollständig erstattet ({ $reason }); { $feature } wird in Ihrem Auto { $vin } ausgeschaltet. Der Betrag ist in einigen Tagen auf Ihrem Konto.

dealer-order_ready-subject = Auftrag { $order } ist aus dem Werk eingetroffen
dealer-order_ready-body = Der { $model } aus Auftrag { $order } für { $name } ist bei { $dealership } eingetroffen. Nehmen Sie die Schlusszahlung entgegen und melden Sie das Auto dann zu.

dealer-final_payment_failed-subject = Die Schlusszahlung für Auftrag { $order } ist fehlgeschlagen
dealer-final_payment_failed-body = Die Schlusszahlung von { $name } für den { $model } aus Auftrag { $order } ist nicht durchgegangen ({ $reason }). Das Auto bleibt reserviert; nehmen Sie die Zahlung mit einer anderen Karte erneut entgegen.

# Rechnungen und Gutschriften (PDF).
invoice-title = Rechnung
invoice-credit_note_title = Gutschrift
invoice-number = Nummer
invoice-date = Datum
invoice-vehicle = Fahrzeug (FIN)
invoice-corrects = Korrigiert Rechnung
invoice-buyer = RECHNUNGSEMPFÄNGER
invoice-vat_id = USt-IdNr.
invoice-description = Beschreibung
invoice-quantity = Menge
invoice-unit_net = Einzelpreis (netto)
invoice-net = Betrag (netto)
invoice-total_net = Summe netto
invoice-vat = USt. { $rate }
invoice-total_gross = Gesamtbetrag
invoice-paid_note = Bezahlt per Karte. Vielen Dank.
invoice-refund_note = Der Betrag wird auf die Karte erstattet, mit der die Rechnung bezahlt wurde.
invoice-workshop_note = Zahlbar bei Abholung des Fahrzeugs in der Werkstatt. Vielen Dank.

# Rechnungszeilen, bei der Ausstellung in der Sprache des Käufers geschrieben.
duration-PERMANENT = dauerhaft
duration-MONTHLY = monatlich
duration-ANNUAL = 1 Jahr
duration-FIXED_DAYS = { $days } Tage
duration-TRIAL = { $days } Tage Probezeit
line-feature = { $feature } ({ $duration }) — { $vin }
line-month = { $feature }, { $days } von { $month_days } Tagen ab { $from } — { $vin }
line-year = { $feature }, 1 Jahr ab { $from } — { $vin }
line-reservation = { $model }, Anzahlung — Auftrag { $order }{ $vin }
line-final = { $model }, Schlusszahlung — Auftrag { $order }{ $vin }
line-refund = Erstattung zu Rechnung { $number }
line-labour = Arbeitszeit: { $description } ({ $hours } Std. × { $rate })
line-measured = { $description } ({ $quantity } × { $price })
line-period = { $feature }, Abonnementzeitraum ab { $from } — { $vin }

## Countries, by their code.
region-DE = Deutschland
region-ES = Spanien
region-GB = Vereinigtes Königreich

# Werkstätten: Termine, Werkstattaufträge, Wartung.
booking-requested-subject = Terminanfrage an { $workshop } gesendet
booking-requested-body = Hallo { $name },

    wir haben Ihre Anfrage für „{ $service }“ am { $when } an { $workshop } gesendet. Die Werkstatt bestätigt sie in Kürze; bis dahin ist der Termin für Sie reserviert.

booking-confirmed-subject = Ihr Termin bei { $workshop } am { $when }
booking-confirmed-body = Hallo { $name },

    { $workshop } hat Ihren Termin für „{ $service }“ am { $when } bestätigt (Fahrzeug { $vin }).
    Adresse: { $address }

booking-rescheduled-subject = Ihr Termin bei { $workshop } wurde auf den { $when } verlegt
booking-rescheduled-body = Hallo { $name },

    Ihr Termin für „{ $service }“ bei { $workshop } ist jetzt am { $when } (Fahrzeug { $vin }).

booking-cancelled-subject = Ihr Termin bei { $workshop } wurde abgesagt
booking-cancelled-body = Hallo { $name },

    { $workshop } hat Ihren Termin für „{ $service }“ am { $when } abgesagt. Buchen Sie in der App einfach einen anderen Termin.

booking-reminder_day-subject = Morgen: Ihr Termin bei { $workshop }
booking-reminder_day-body = Hallo { $name },

    zur Erinnerung: Ihr Termin für „{ $service }“ am { $when } bei { $workshop } (Fahrzeug { $vin }).
    Adresse: { $address }
    Falls Sie nicht kommen können, sagen Sie ihn bitte in der App ab oder verlegen Sie ihn.

booking-reminder_hour-subject = In einer Stunde: { $service } bei { $workshop }
booking-reminder_hour-body = Ihr Termin bei { $workshop } beginnt am { $when }. Adresse: { $address }

workshop-booking_requested-subject = Neue Terminanfrage: { $service } am { $when }
workshop-booking_requested-body = Ein Kunde fragt „{ $service }“ am { $when } für das Fahrzeug { $vin } an. Bestätigen Sie den Termin im Kalender.

workshop-booking_cancelled-subject = Termin abgesagt: { $service } am { $when }
workshop-booking_cancelled-body = Der Kunde hat „{ $service }“ am { $when } für das Fahrzeug { $vin } abgesagt; die Zeit ist wieder frei.

workshop-estimate_approved-subject = Kostenvoranschlag freigegeben: Auftrag { $job }
workshop-estimate_approved-body = Der Kunde hat den Kostenvoranschlag zu Auftrag { $job } (Fahrzeug { $vin }) freigegeben. Die Arbeit kann weitergehen.

workshop-estimate_declined-subject = Kostenvoranschlag abgelehnt: Auftrag { $job }
workshop-estimate_declined-body = Der Kunde hat den Kostenvoranschlag zu Auftrag { $job } (Fahrzeug { $vin }) abgelehnt. Führen Sie nur die freigegebenen Arbeiten aus oder überarbeiten Sie den Voranschlag.

repair-checked_in-subject = Ihr Fahrzeug ist bei { $workshop }
repair-checked_in-body = Ihr Fahrzeug { $vin } wurde bei { $workshop } angenommen (Auftrag { $job }). Den Fortschritt sehen Sie in der App.

repair-estimate_ready-subject = Ihr Kostenvoranschlag von { $workshop }: { $estimate }
repair-estimate_ready-body = Hallo { $name },

    { $workshop } hat Ihr Fahrzeug { $vin } angesehen und schätzt die Arbeiten auf { $estimate } (inkl. USt., Auftrag { $job }).
    Geben Sie den Kostenvoranschlag in der App frei oder lehnen Sie ihn ab, oder hier:

    { $link }

repair-reapproval_needed-subject = { $workshop } braucht erneut Ihre Freigabe
repair-reapproval_needed-body = Hallo { $name },

    die Arbeiten an Ihrem Fahrzeug { $vin } würden { $estimate } (inkl. USt.) kosten statt der freigegebenen { $approved }, also { $over } % mehr. Die Werkstatt arbeitet erst weiter, wenn Sie entschieden haben.
    Geben Sie die zusätzlichen Arbeiten in der App frei oder lehnen Sie sie ab, oder hier:

    { $link }

repair-ready-subject = Ihr Fahrzeug ist bei { $workshop } abholbereit
repair-ready-body = Hallo { $name },

    die Arbeiten an Ihrem Fahrzeug { $vin } sind erledigt (Auftrag { $job }). Sie können es bei { $workshop } abholen.

repair-invoiced-subject = Ihre Rechnung { $invoice } von { $workshop }
repair-invoiced-body = Hallo { $name },

    { $workshop } hat den Auftrag { $job } für Ihr Fahrzeug { $vin } abgerechnet: { $amount }. Die Rechnung finden Sie in der App bei den Unterlagen Ihres Fahrzeugs.

maintenance-due-subject = Bald ist die Wartung Ihres Fahrzeugs { $vin } fällig
maintenance-due-body = Ihr Fahrzeug { $vin } ist am { $dueDate } oder bei { $dueKm } km zur Wartung fällig, je nachdem, was zuerst eintritt (jetzt { $mileageKm } km). Buchen Sie eine Werkstatt in der App.

maintenance-overdue-subject = Die Wartung Ihres Fahrzeugs { $vin } ist überfällig
maintenance-overdue-body = Die Wartung Ihres Fahrzeugs { $vin } war am { $dueDate } oder bei { $dueKm } km fällig (jetzt { $mileageKm } km). Bis sie gemacht ist, können Funktionen, die eine aktuelle Wartung voraussetzen, nicht gekauft werden. Buchen Sie eine Werkstatt in der App.

health-fault_code-subject = Ihr Fahrzeug { $vin } meldet einen Fehler: { $code }
health-fault_code-body = Ihr Fahrzeug { $vin } meldet den Fehlercode { $code } ({ $description }). Buchen Sie eine Werkstatt in der App; ist das Fahrzeug schon angemeldet, liegt der Code der Werkstatt vor.
health-battery_low-subject = Die Batterie Ihres Fahrzeugs { $vin } ist schwach ({ $value } %)
health-battery_low-body = Die Batterie Ihres Fahrzeugs { $vin } steht bei { $value } %. Laden Sie es bald.
health-service_due-subject = Die Wartung Ihres Fahrzeugs { $vin } ist fällig
health-service_due-body = Ihr Fahrzeug { $vin } hat { $value } km erreicht, den Stand der nächsten Wartung. Buchen Sie eine Werkstatt in der App.
health-silent-subject = Ihr Fahrzeug { $vin } meldet sich seit { $value } Stunden nicht
health-silent-body = Seit { $value } Stunden haben wir nichts von Ihrem Fahrzeug { $vin } gehört. Vielleicht ist es außer Empfang, oder seine Verbindung sollte geprüft werden.
health-alert-battery_low = Batterie bei { $value } %
health-alert-service_due = Wartung fällig ({ $value } km)
health-alert-silent = Seit { $value } Stunden keine Meldung

repair-step-checked_in = Das Fahrzeug wurde angenommen.
repair-step-inspected = Die Werkstatt hat das Fahrzeug geprüft.
repair-step-estimate_sent = Der Kostenvoranschlag ging an den Kunden.
repair-step-reapproval_needed = Die Arbeiten würden mehr als 15 % über dem freigegebenen Kostenvoranschlag liegen: Der Kunde wird erneut gefragt.
repair-step-estimate_approved = Der Kunde hat den Kostenvoranschlag freigegeben.
repair-step-estimate_declined = Der Kunde hat den Kostenvoranschlag abgelehnt.
repair-step-extra_work_declined = Der Kunde hat die zusätzlichen Arbeiten abgelehnt; nur die freigegebenen werden ausgeführt.
repair-step-work_started = Die Arbeiten haben begonnen.
repair-step-ready = Die Arbeiten sind erledigt; das Fahrzeug kann abgeholt werden.
repair-step-invoiced = Die Rechnung wurde ausgestellt.
repair-step-collected = Das Fahrzeug wurde abgeholt.
repair-step-cancelled = Der Werkstattauftrag wurde storniert.

## What a partner may read of a car its owner shares (consents).
consent-scope-vehicles-read = Modell, Firmware und Status des Autos
consent-scope-expediente-read = Die Geschichte des Autos: Halter, Wartungen, Reparaturen und gekaufte Funktionen
consent-scope-telemetry-read = Was das Auto meldet: Kilometerstand, Batterie oder Tank, Geschwindigkeit, Warnungen

account-identity_link-subject = Ihre Anmeldung mit { $provider } mit Ihrem CaaS-Konto verknüpfen
account-identity_link-body = Hallo { $name },

    jemand hat sich mit { $provider } und dieser E-Mail-Adresse angemeldet und möchte dies mit Ihrem CaaS-Konto verknüpfen.
    Wenn Sie das waren, öffnen Sie diesen Link, um es zu verknüpfen und sich anzumelden:

    { $link }

    Der Link funktioniert einmal und läuft am { $expires } ab. Wenn Sie es nicht waren, ignorieren Sie diese E-Mail: Es wird nichts verknüpft.

activation-debit_returned-subject = Ihre Bank hat die Lastschrift für { $feature } zurückgegeben
activation-debit_returned-body = Ihre Bank hat die SEPA-Lastschrift für { $feature } zurückgegeben ({ $reason }). Sie wird nicht von selbst erneut eingezogen: Bitte zahlen Sie auf anderem Weg (Karte, Überweisung oder Gutschein). Ist sie am { $graceEnds } noch offen, wird die Funktion ausgeschaltet.

payment-transfer_partial-subject = Ein Teil Ihrer Überweisung { $reference } ist eingegangen
payment-transfer_partial-body = Wir haben { $received } mit dem Verwendungszweck { $reference } erhalten. Offen sind noch { $due }: Bitte überweisen Sie den Rest mit demselben Verwendungszweck; Ihr Kauf wird eingeschaltet, sobald er eingeht.

sepa-mandate-text = Ich ermächtige { $creditor } und seinen Zahlungsdienstleister, Zahlungen von meinem Konto mittels Lastschrift einzuziehen. Zugleich weise ich mein Kreditinstitut an, die auf mein Konto gezogenen Lastschriften einzulösen. Hinweis: Ich kann innerhalb von acht Wochen, beginnend mit dem Belastungsdatum, die Erstattung des belasteten Betrages verlangen. Es gelten dabei die mit meinem Kreditinstitut vereinbarten Bedingungen.

activation-transfer_not_received-subject = { $feature } wurde nicht gekauft: Die Überweisung ist nicht eingegangen
activation-transfer_not_received-body = Die Überweisung { $reference } für { $feature } ist nicht rechtzeitig eingegangen; der Kauf wurde storniert und nichts wird eingeschaltet. Ein bereits eingegangener Teil steht Ihnen als Guthaben zur Verfügung. Sie können { $feature } jederzeit wieder kaufen.

activation-active-sms = CaaS: { $feature } ist jetzt in Ihrem Auto { $vin } eingeschaltet.
activation-failed-sms = CaaS: { $feature } konnte in Ihrem Auto { $vin } nicht eingeschaltet werden. Ihnen wurde nichts berechnet.

offers-new_feature-subject = Neu für Ihren { $model }: { $feature }
offers-new_feature-body = Hallo { $name },

    { $feature } ist jetzt für Ihren { $model } verfügbar. Sie können es in der App ausprobieren.

email-unsubscribe-footer = Sie erhalten diese E-Mail, weil Sie Angebote wünschen. Mit einem Klick abbestellen: { $link }
unsubscribe-page-title = Angebote per E-Mail
unsubscribe-page-ask = Keine Angebote und Neuigkeiten mehr per E-Mail erhalten?
unsubscribe-page-button = Abbestellen
unsubscribe-page-done = Sie erhalten keine Angebote mehr per E-Mail. In den Benachrichtigungseinstellungen der App können Sie sie wieder einschalten.
unsubscribe-page-invalid = Dieser Abmeldelink ist ungültig.

offers-campaign-subject = Für Ihr Auto { $vin }: { $feature }
offers-campaign-body = { $feature } wird für Ihr Auto { $vin } angeboten ({ $campaign }). Kaufen Sie es mit einem Tippen im Katalog der App.

campaign-ask_on-subject = Dürfen wir { $feature } in Ihrem Auto { $vin } einschalten?
campaign-ask_on-body = Im Rahmen von „{ $campaign }“ würden wir { $feature } in Ihrem Auto { $vin } kostenlos einschalten. Antworten Sie in der App bis { $until }; ohne Antwort ändert sich nichts.

campaign-ask_off-subject = Dürfen wir { $feature } in Ihrem Auto { $vin } ausschalten?
campaign-ask_off-body = Im Rahmen von „{ $campaign }“ würden wir { $feature } in Ihrem Auto { $vin } ausschalten. Antworten Sie in der App bis { $until }; ohne Antwort ändert sich nichts.
