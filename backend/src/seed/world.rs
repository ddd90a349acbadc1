//! Builds the demo world inside a transaction.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use entity::*;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};
use serde_json::json;
use uuid::Uuid;

use super::features::{DemoFeature, FEATURES};
use super::workshops::{self, DemoBooking, DemoWorkshop, SeededWorkshop};
use super::{DEMO_PARTNER_API_KEY, DEMO_PASSWORD, SeedSummary};
use crate::activation::end_reason::EndReason;
use crate::app::App;
use crate::auth::{Scope, password};
use crate::domain::money::vat_of;
use crate::domain::vin::check_digit;
use crate::notifications::service::notify;
use crate::platform::outbox::Outbox;
use crate::sessions::api_keys;

type Db = DatabaseTransaction;

struct Region {
    model: regions::Model,
    /// Price level in percent of the German one.
    price_level: i64,
}

struct Model {
    model: vehicle_models::Model,
    vds: &'static str,
    price_net_cents: i64,
}

/// Rounds a price to end in 99 cents, at least 0.99.
fn charm(cents: i64) -> i64 {
    (cents / 100 * 100 + 99).max(99)
}

/// A VIN from our (fictional) German plant, with a valid check digit.
fn demo_vin(vds: &str, plant: char, serial: u32) -> String {
    let draft = format!("WCA{vds}0T{plant}{serial:06}");
    let bytes: [u8; 17] = draft.as_bytes().try_into().expect("17 characters");
    format!("WCA{vds}{}T{plant}{serial:06}", check_digit(&bytes))
}

/// A region to create: code, name, currency, VAT in basis points, language, price level in %.
type RegionSpec<'a> = (&'a str, &'a str, &'a str, i32, &'a str, i64);

async fn region(db: &Db, now: DateTime<Utc>, spec: RegionSpec<'_>) -> anyhow::Result<Region> {
    let (code, name, currency, vat_bp, locale, price_level) = spec;
    let model = regions::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(code.into()),
        name: Set(name.into()),
        currency: Set(currency.into()),
        vat_rate_bp: Set(vat_bp),
        default_locale: Set(locale.into()),
        created_at: Set(now),
        // SEPA debits are in euros; everywhere else cards, transfers and vouchers.
        payment_methods: Set(if currency == "EUR" {
            "CARD,SEPA_DEBIT,BANK_TRANSFER,CREDIT".into()
        } else {
            "CARD,BANK_TRANSFER,CREDIT".into()
        }),
    }
    .insert(db)
    .await?;
    Ok(Region { model, price_level })
}

struct NewUser<'a> {
    email: &'a str,
    name: &'a str,
    role: Role,
    locale: &'a str,
    region: &'a Region,
    dealership: Option<Uuid>,
    workshop: Option<Uuid>,
}

async fn user(db: &Db, now: DateTime<Utc>, new: NewUser<'_>) -> anyhow::Result<users::Model> {
    Ok(users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(new.email.into()),
        password_hash: Set(Some(password::hash(DEMO_PASSWORD.into()).await?)),
        name: Set(new.name.into()),
        role: Set(new.role),
        locale: Set(new.locale.into()),
        region_id: Set(new.region.model.id),
        dealership_id: Set(new.dealership),
        workshop_id: Set(new.workshop),
        workshop_admin: Set(new.workshop.is_some()),
        phone: Set(None),
        created_at: Set(now),
        erased_at: Set(None),
        disabled_at: Set(None),
    }
    .insert(db)
    .await?)
}

/// A car parked and locked, climate off, not charging, as it last reported.
async fn parked(db: &Db, now: DateTime<Utc>, car: &vehicles::Model) -> anyhow::Result<()> {
    vehicle_remote_states::ActiveModel {
        vehicle_id: Set(car.id),
        locked: Set(true),
        climate_on: Set(false),
        climate_target_decicelsius: Set(None),
        climate_until: Set(None),
        charging: Set(false),
        online: Set(true),
        reported_at: Set(now - Duration::minutes(20)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A model of the demo's factory.
struct DemoModel {
    code: &'static str,
    name: &'static str,
    body: &'static str,
    vds: &'static str,
    price_net_cents: i64,
    powertrain: Powertrain,
    remote_climate: bool,
    electric_range_km: Option<i32>,
}

/// The demo's models: an electric sedan, a plug-in hybrid SUV and an electric city car whose
/// climate cannot be started remotely.
const DEMO_MODELS: [DemoModel; 3] = [
    DemoModel {
        code: "AURORA",
        name: "Aurora",
        body: "SEDAN",
        vds: "AUR1S",
        price_net_cents: 4_890_000,
        powertrain: Powertrain::Electric,
        remote_climate: true,
        electric_range_km: Some(560),
    },
    DemoModel {
        code: "BOREALIS",
        name: "Borealis",
        body: "SUV",
        vds: "BRL2V",
        price_net_cents: 5_690_000,
        powertrain: Powertrain::PlugInHybrid,
        remote_climate: true,
        electric_range_km: Some(85),
    },
    DemoModel {
        code: "CIRRUS",
        name: "Cirrus",
        body: "HATCHBACK",
        vds: "CRR3H",
        price_net_cents: 2_990_000,
        powertrain: Powertrain::Electric,
        remote_climate: false,
        electric_range_km: Some(320),
    },
];

async fn vehicle_model(db: &Db, now: DateTime<Utc>, demo: &DemoModel) -> anyhow::Result<Model> {
    let DemoModel { code, name, vds, price_net_cents, .. } = *demo;
    let model = vehicle_models::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(code.into()),
        name: Set(name.into()),
        body_type: Set(demo.body.into()),
        model_year: Set(2026),
        service_interval_months: Set(12),
        service_interval_km: Set(15_000),
        powertrain: Set(demo.powertrain),
        remote_climate: Set(demo.remote_climate),
        electric_range_km: Set(demo.electric_range_km),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    for (locale, title) in [("en", "Owner's manual"), ("de", "Betriebsanleitung"), ("es", "Manual del propietario")] {
        model_manuals::ActiveModel {
            id: Set(Uuid::now_v7()),
            model_id: Set(model.id),
            locale: Set(locale.into()),
            title: Set(format!("{name} — {title}")),
            url: Set(format!("https://docs.caas.example/manuals/{}-{locale}.pdf", code.to_lowercase())),
        }
        .insert(db)
        .await?;
    }
    Ok(Model { model, vds, price_net_cents })
}

async fn feature(
    db: &Db,
    now: DateTime<Utc>,
    demo: &DemoFeature,
    models: &[Model],
    regions: &[Region],
) -> anyhow::Result<features::Model> {
    let feature = features::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(demo.code.into()),
        category: Set(demo.category.into()),
        requires_maintenance: Set(demo.requires_maintenance),
        min_firmware: Set(demo.min_firmware.into()),
        ota_parameters: Set(json!({ "configKey": demo.code.to_lowercase(), "enable": true })),
        demo_media_url: Set(Some(format!("https://media.caas.example/demo/{}.webm", demo.code.to_lowercase()))),
        available: Set(true),
        created_at: Set(now),
        new_since: Set(None),
        retired_at: Set(None),
    }
    .insert(db)
    .await?;
    for (locale, (name, description, demo_text)) in ["en", "de", "es"].into_iter().zip(demo.texts) {
        feature_texts::ActiveModel {
            feature_id: Set(feature.id),
            locale: Set(locale.into()),
            name: Set(name.into()),
            description: Set(description.into()),
            demo_text: Set(demo_text.into()),
        }
        .insert(db)
        .await?;
    }
    for model in models.iter().filter(|m| demo.models.is_empty() || demo.models.contains(&m.model.code.as_str())) {
        feature_models::ActiveModel { feature_id: Set(feature.id), model_id: Set(model.model.id) }.insert(db).await?;
    }
    for region in regions {
        let permanent = charm(demo.permanent_eur_cents * region.price_level / 100);
        let monthly = charm(permanent / 30);
        let offers = [
            (DurationKind::Permanent, 0, permanent),
            (DurationKind::Monthly, 0, monthly),
            (DurationKind::Annual, 0, charm(monthly * 10)),
            (DurationKind::FixedDays, 30, charm(monthly * 5 / 4)),
            (DurationKind::Trial, 7, 0),
        ];
        for (kind, days, net) in offers {
            prices::ActiveModel {
                id: Set(Uuid::now_v7()),
                feature_id: Set(feature.id),
                region_id: Set(region.model.id),
                duration_kind: Set(kind),
                duration_days: Set(days),
                net_minor: Set(net),
                created_at: Set(now),
                withdrawn_at: Set(None),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(feature)
}

struct NewVehicle<'a> {
    serial: u32,
    model: &'a Model,
    region: &'a Region,
    dealership: Uuid,
    firmware: &'a str,
    status: VehicleStatus,
    owner: Option<Uuid>,
    plate: Option<&'a str>,
    mileage_km: i32,
}

const COLORS: [&str; 6] = ["Glacier White", "Obsidian Black", "Fjord Blue", "Ember Red", "Granite Grey", "Moss Green"];

async fn vehicle(db: &Db, now: DateTime<Utc>, new: NewVehicle<'_>) -> anyhow::Result<vehicles::Model> {
    let plant = if new.region.model.code == "ES" { 'M' } else { 'B' };
    Ok(vehicles::ActiveModel {
        id: Set(Uuid::now_v7()),
        vin: Set(demo_vin(new.model.vds, plant, new.serial)),
        model_id: Set(new.model.model.id),
        firmware_version: Set(new.firmware.into()),
        status: Set(new.status),
        owner_id: Set(new.owner),
        dealership_id: Set(Some(new.dealership)),
        region_id: Set(new.region.model.id),
        plate: Set(new.plate.map(Into::into)),
        color: Set(COLORS[new.serial as usize % COLORS.len()].into()),
        mileage_km: Set(new.mileage_km),
        // The first service, a year after the car was made; a maintenance record moves it.
        service_due_at: Set(Some(now + Duration::days(365))),
        service_due_km: Set(Some(15_000)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

const STAGES: [OrderStatus; 7] = [
    OrderStatus::Ordered,
    OrderStatus::InProduction,
    OrderStatus::Painting,
    OrderStatus::Assembly,
    OrderStatus::QualityCheck,
    OrderStatus::Shipped,
    OrderStatus::Ready,
];

/// A delivered sale with its factory timeline and both payments.
/// A past sale: its number, the car, its model, the buyer, the seller, where, and when.
struct Sale<'a> {
    number: u32,
    vehicle: &'a vehicles::Model,
    model: &'a Model,
    customer: &'a users::Model,
    dealer: &'a users::Model,
    region: &'a Region,
    ordered_at: DateTime<Utc>,
}

async fn delivered_order(db: &Db, sale: Sale<'_>) -> anyhow::Result<()> {
    let Sale { number, vehicle, model, customer, dealer, region, ordered_at } = sale;
    let currency = region.model.currency.clone();
    let price = model.price_net_cents * region.price_level / 100;
    let order = orders::ActiveModel {
        id: Set(Uuid::now_v7()),
        number: Set(format!("ORD-{}-{number:06}", ordered_at.year())),
        customer_id: Set(customer.id),
        dealership_id: Set(vehicle.dealership_id.unwrap_or(dealer.dealership_id.unwrap_or_default())),
        region_id: Set(region.model.id),
        model_id: Set(model.model.id),
        vehicle_id: Set(Some(vehicle.id)),
        configuration: Set(json!({ "color": vehicle.color, "trim": "standard" })),
        status: Set(OrderStatus::Delivered),
        stock_sale: Set(false),
        factory_order_ref: Set(Some(format!("FAC-{number:08}"))),
        price_net_minor: Set(price),
        currency: Set(currency.clone()),
        created_by: Set(dealer.id),
        cancel_reason: Set(None),
        created_at: Set(ordered_at),
        updated_at: Set(ordered_at + Duration::days(60)),
        last_error: Set(None),
    }
    .insert(db)
    .await?;
    for (day, stage) in (1..).step_by(6).zip(STAGES) {
        let at = ordered_at + Duration::days(day);
        manufacturing_events::ActiveModel {
            id: Set(Uuid::now_v7()),
            order_id: Set(order.id),
            event_id: Set(format!("demo-{}-{stage:?}", order.number)),
            stage: Set(stage),
            occurred_at: Set(at),
            received_at: Set(at),
            payload: Set(json!({ "stage": stage })),
        }
        .insert(db)
        .await?;
    }
    let gross = price + vat_of(price, region.model.vat_rate_bp);
    let reservation = gross / 10;
    for (kind, amount, day) in
        [(PaymentKind::Reservation, reservation, 0), (PaymentKind::Final, gross - reservation, 45)]
    {
        let at = ordered_at + Duration::days(day);
        payment(
            db,
            kind,
            amount,
            &currency,
            customer.id,
            Some(order.id),
            None,
            at,
            &format!("demo-{}-{kind:?}", order.number),
        )
        .await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn payment(
    db: &Db,
    kind: PaymentKind,
    amount: i64,
    currency: &str,
    payer: Uuid,
    order: Option<Uuid>,
    activation: Option<Uuid>,
    at: DateTime<Utc>,
    key: &str,
) -> anyhow::Result<payments::Model> {
    Ok(payments::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(kind),
        status: Set(PaymentStatus::Settled),
        amount_minor: Set(amount),
        currency: Set(currency.into()),
        payer_id: Set(payer),
        order_id: Set(order),
        activation_id: Set(activation),
        provider_ref: Set(Some(format!("pi_{}", key.replace('-', "_")))),
        idempotency_key: Set(key.into()),
        failure_reason: Set(None),
        failure_code: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        captured_at: Set(Some(at)),
        settled_at: Set(Some(at + Duration::days(2))),
        payment_method: Set(Some("pm_card_visa".into())),
        method: Set(entity::PaymentMethodKind::Card),
        transfer_reference: Set(None),
        received_minor: Set(0),
    }
    .insert(db)
    .await?)
}

struct Purchase<'a> {
    vehicle: &'a vehicles::Model,
    feature: &'a features::Model,
    feature_name: &'a str,
    customer: &'a users::Model,
    region: &'a Region,
    kind: DurationKind,
    days: i32,
    status: ActivationStatus,
    starts_at: DateTime<Utc>,
    ends_at: Option<DateTime<Utc>>,
    net: i64,
}

/// The next invoice sequence of each region and year.
type Sequences = std::collections::BTreeMap<(Uuid, i32), i64>;

/// An activation; paid ones get a settled payment and an invoice numbered from its region's and
/// year's counter.
async fn purchase(db: &Db, p: Purchase<'_>, sequences: &mut Sequences) -> anyhow::Result<()> {
    let activation = activations::ActiveModel {
        id: Set(Uuid::now_v7()),
        vehicle_id: Set(p.vehicle.id),
        feature_id: Set(p.feature.id),
        price_id: Set(None),
        duration_kind: Set(p.kind),
        duration_days: Set(p.days),
        status: Set(p.status),
        purchased_by: Set(p.customer.id),
        starts_at: Set(Some(p.starts_at)),
        ends_at: Set(p.ends_at),
        cancel_at_period_end: Set(false),
        failure_reason: Set(None),
        failure_code: Set(None),
        created_at: Set(p.starts_at),
        updated_at: Set(p.starts_at),
        billed_until: Set((p.kind == DurationKind::Monthly).then_some(p.starts_at)),
        unpaid_since: Set(None),
        end_reason: Set((p.status == ActivationStatus::Expired).then(|| EndReason::Expired.as_str().to_owned())),
    }
    .insert(db)
    .await?;
    if p.net == 0 {
        return Ok(());
    }
    let currency = p.region.model.currency.clone();
    let vat_bp = p.region.model.vat_rate_bp;
    let vat = vat_of(p.net, vat_bp);
    let key = format!("demo-activation-{}", activation.id);
    let paid = payment(
        db,
        PaymentKind::Feature,
        p.net + vat,
        &currency,
        p.customer.id,
        None,
        Some(activation.id),
        p.starts_at,
        &key,
    )
    .await?;
    let next = sequences.entry((p.region.model.id, p.starts_at.year())).or_insert(1);
    let sequence = *next;
    *next += 1;
    let invoice = invoices::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(p.region.model.id),
        sequence: Set(sequence),
        number: Set(format!("{}-{}-{sequence:06}", p.region.model.code, p.starts_at.year())),
        kind: Set(InvoiceKind::Invoice),
        credits_invoice_id: Set(None),
        customer_id: Set(p.customer.id),
        vehicle_id: Set(Some(p.vehicle.id)),
        payment_id: Set(Some(paid.id)),
        currency: Set(currency),
        net_minor: Set(p.net),
        vat_minor: Set(vat),
        gross_minor: Set(p.net + vat),
        issued_at: Set(p.starts_at),
        workshop_id: Set(None),
    }
    .insert(db)
    .await?;
    invoice_lines::ActiveModel {
        id: Set(Uuid::now_v7()),
        invoice_id: Set(invoice.id),
        position: Set(1),
        description: Set(format!("{} ({:?}) — {}", p.feature_name, p.kind, p.vehicle.vin)),
        quantity: Set(1),
        unit_net_minor: Set(p.net),
        net_minor: Set(p.net),
        vat_rate_bp: Set(vat_bp),
        vat_minor: Set(vat),
        gross_minor: Set(p.net + vat),
        activation_id: Set(Some(activation.id)),
    }
    .insert(db)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn maintenance(
    db: &Db,
    vehicle: &vehicles::Model,
    workshop: Uuid,
    by: Uuid,
    kind: MaintenanceKind,
    performed_at: DateTime<Utc>,
    mileage_km: i32,
    next_due_at: DateTime<Utc>,
    notes: &str,
) -> anyhow::Result<()> {
    maintenance_records::ActiveModel {
        id: Set(Uuid::now_v7()),
        vehicle_id: Set(vehicle.id),
        workshop_id: Set(workshop),
        kind: Set(kind),
        performed_at: Set(performed_at),
        mileage_km: Set(mileage_km),
        notes: Set(notes.into()),
        next_due_at: Set(Some(next_due_at)),
        next_due_km: Set(Some(mileage_km + 15_000)),
        recorded_by: Set(by),
        created_at: Set(performed_at),
    }
    .insert(db)
    .await?;
    let mut due: vehicles::ActiveModel = vehicle.clone().into();
    due.service_due_at = Set(Some(next_due_at));
    due.service_due_km = Set(Some(mileage_km + 15_000));
    due.update(db).await?;
    Ok(())
}

async fn welcome(app: &App, db: &Db, user: &users::Model) -> anyhow::Result<()> {
    let payload = json!({ "name": user.name });
    let mut outbox = Outbox::new();
    notify(app, db, &mut outbox, user.id, "account.welcome", payload, &[NotificationChannel::InApp])
        .await
        .map_err(|err| anyhow::anyhow!("welcoming {}: {}", user.email, err.message()))?;
    // Nobody is subscribed while the demo is being seeded: the events have no one to reach.
    drop(outbox);
    Ok(())
}

/// München's day: Anna's Borealis in its pre-delivery inspection since this morning, two cars
/// booked for the coming working days by phone.
async fn demo_workshop_days(
    db: &Db,
    now: DateTime<Utc>,
    (munich, mechanic): (&SeededWorkshop, &users::Model),
    (borealis, anna): (&vehicles::Model, &users::Model),
    stock: &[vehicles::Model],
) -> anyhow::Result<()> {
    let zone = chrono_tz::Europe::Berlin;
    let this_morning = now.with_timezone(&zone).date_naive().and_hms_opt(8, 0, 0).unwrap_or_default();
    let this_morning = zone.from_local_datetime(&this_morning).earliest().map_or(now, |at| at.with_timezone(&Utc));
    let inspection = DemoBooking {
        workshop: munich,
        service: 0,
        vehicle: borealis,
        customer: Some(anna),
        contact: ("", ""),
        starts_at: this_morning.min(now - Duration::hours(2)),
        status: BookingStatus::CheckedIn,
        notes: "Übergabeinspektion vor der Auslieferung",
        booked_by: anna.id,
    };
    let booked = workshops::booking(db, now, inspection).await?;
    workshops::job_in_progress(db, now, &booked, borealis, ("EUR", mechanic.id)).await?;
    let callers = [("Max Mustermann", "+49 170 5550101", 1, 1, 10), ("Petra Schmidt", "+49 171 5550202", 2, 2, 9)];
    for ((name, phone, service, days, hour), car) in callers.into_iter().zip(stock) {
        let call = DemoBooking {
            workshop: munich,
            service,
            vehicle: car,
            customer: None,
            contact: (name, phone),
            starts_at: workshops::working_day_at(now, zone, days, hour),
            status: BookingStatus::Confirmed,
            notes: "",
            booked_by: mechanic.id,
        };
        workshops::booking(db, now, call).await?;
    }
    Ok(())
}

fn start_of_next_month(now: DateTime<Utc>) -> DateTime<Utc> {
    let (year, month) = if now.month() == 12 { (now.year() + 1, 1) } else { (now.year(), now.month() + 1) };
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).single().unwrap_or(now)
}

/// Builds the whole demo world.
pub async fn build(app: &App, db: &Db) -> anyhow::Result<SeedSummary> {
    let now = app.clock.now();
    let de = region(db, now, ("DE", "Germany", "EUR", 1900, "de", 100)).await?;
    let es = region(db, now, ("ES", "Spain", "EUR", 2100, "es", 95)).await?;
    let gb = region(db, now, ("GB", "United Kingdom", "GBP", 2000, "en", 87)).await?;

    let berlin = dealerships::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set("Autohaus Berlin Mitte".into()),
        region_id: Set(de.model.id),
        city: Set("Berlin".into()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    let madrid = dealerships::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set("Concesionario Madrid Centro".into()),
        region_id: Set(es.model.id),
        city: Set("Madrid".into()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    let prices = [(de.model.id, de.price_level), (es.model.id, es.price_level), (gb.model.id, gb.price_level)];
    let munich = workshops::workshop(
        db,
        now,
        DemoWorkshop {
            name: "Werkstatt München Süd",
            code: "MUCS",
            city: "München",
            address: "Boschetsrieder Str. 12, 81379 München",
            phone: "+49 89 1234560",
            region_id: de.model.id,
            zone: chrono_tz::Europe::Berlin,
            services: ["Inspektion", "Ölservice", "Bremsen", "Fehlerdiagnose"],
            resources: ["Platz 1", "Platz 2", "Hebebühne", "Ersatzwagen M-CA 77"],
            holiday: "Weihnachten",
        },
        &prices,
    )
    .await?;
    let madrid_workshop = workshops::workshop(
        db,
        now,
        DemoWorkshop {
            name: "Taller Madrid Norte",
            code: "MADN",
            city: "Madrid",
            address: "Calle de Bravo Murillo 101, 28020 Madrid",
            phone: "+34 91 5550123",
            region_id: es.model.id,
            zone: chrono_tz::Europe::Madrid,
            services: ["Revisión", "Cambio de aceite", "Frenos", "Diagnóstico"],
            resources: ["Puesto 1", "Puesto 2", "Elevador", "Coche de sustitución"],
            holiday: "Navidad",
        },
        &prices,
    )
    .await?;

    let person = |email, name, role, locale, region, dealership, workshop| NewUser {
        email,
        name,
        role,
        locale,
        region,
        dealership,
        workshop,
    };
    user(db, now, person("admin@demo.caas", "Ada Admin", Role::Admin, "en", &de, None, None)).await?;
    user(db, now, person("support@demo.caas", "Sam Support", Role::Support, "en", &de, None, None)).await?;
    let dealer =
        user(db, now, person("dealer@demo.caas", "Dieter Händler", Role::Dealer, "de", &de, Some(berlin.id), None))
            .await?;
    let dealer2 =
        user(db, now, person("dealer2@demo.caas", "Diego Vendedor", Role::Dealer, "es", &es, Some(madrid.id), None))
            .await?;
    let mechanic = user(
        db,
        now,
        person("workshop@demo.caas", "Wolfgang Werkstatt", Role::Workshop, "de", &de, None, Some(munich.workshop.id)),
    )
    .await?;
    let mechanic2 = user(
        db,
        now,
        person(
            "workshop2@demo.caas",
            "Marta Mecánica",
            Role::Workshop,
            "es",
            &es,
            None,
            Some(madrid_workshop.workshop.id),
        ),
    )
    .await?;
    let customer =
        user(db, now, person("customer@demo.caas", "Anna Becker", Role::Customer, "de", &de, None, None)).await?;
    let customer2 =
        user(db, now, person("customer2@demo.caas", "Lucía García", Role::Customer, "es", &es, None, None)).await?;

    let mut models = Vec::with_capacity(DEMO_MODELS.len());
    for demo in &DEMO_MODELS {
        models.push(vehicle_model(db, now, demo).await?);
    }
    let regions_list = [de, es, gb];
    let (de, es) = (&regions_list[0], &regions_list[1]);

    let mut features = Vec::with_capacity(FEATURES.len());
    for demo in FEATURES {
        features.push(feature(db, now, demo, &models, &regions_list).await?);
    }
    let feature_named = |code: &str| features.iter().zip(FEATURES).find(|(f, _)| f.code == code).expect("demo feature");

    // The customers' cars, then stock at both dealerships.
    let owned = |serial, model, region, dealership, firmware, status, owner, plate, mileage_km| NewVehicle {
        serial,
        model,
        region,
        dealership,
        firmware,
        status,
        owner,
        plate,
        mileage_km,
    };
    let anna_aurora = vehicle(
        db,
        now,
        owned(
            1,
            &models[0],
            de,
            berlin.id,
            "3.2.1",
            VehicleStatus::Delivered,
            Some(customer.id),
            Some("B-CA 1001"),
            12_480,
        ),
    )
    .await?;
    let anna_borealis = vehicle(
        db,
        now,
        owned(2, &models[1], de, berlin.id, "3.1.0", VehicleStatus::Assigned, Some(customer.id), Some("B-CA 1002"), 15),
    )
    .await?;
    let lucia_cirrus = vehicle(
        db,
        now,
        owned(
            3,
            &models[2],
            es,
            madrid.id,
            "3.0.0",
            VehicleStatus::Delivered,
            Some(customer2.id),
            Some("1234 LMN"),
            8_200,
        ),
    )
    .await?;
    let firmwares = ["2.4.0", "3.1.0", "3.2.1"];
    let mut vehicle_count = 3;
    let mut stock = Vec::new();
    for serial in 4..=24u32 {
        let (region, dealership) = if serial <= 16 { (de, berlin.id) } else { (es, madrid.id) };
        let model = &models[serial as usize % models.len()];
        let firmware = firmwares[serial as usize % firmwares.len()];
        let car =
            vehicle(db, now, owned(serial, model, region, dealership, firmware, VehicleStatus::InStock, None, None, 5))
                .await?;
        stock.push(car);
        vehicle_count += 1;
    }

    let sale = Sale {
        number: 1,
        vehicle: &anna_aurora,
        model: &models[0],
        customer: &customer,
        dealer: &dealer,
        region: de,
        ordered_at: now - Duration::days(300),
    };
    delivered_order(db, sale).await?;
    let sale = Sale {
        number: 2,
        vehicle: &anna_borealis,
        model: &models[1],
        customer: &customer,
        dealer: &dealer,
        region: de,
        ordered_at: now - Duration::days(70),
    };
    delivered_order(db, sale).await?;
    let sale = Sale {
        number: 3,
        vehicle: &lucia_cirrus,
        model: &models[2],
        customer: &customer2,
        dealer: &dealer2,
        region: es,
        ordered_at: now - Duration::days(420),
    };
    delivered_order(db, sale).await?;

    let mut sequences = Sequences::new();
    let (seats, seats_demo) = feature_named("HEATED_SEATS");
    let seats_net = charm(seats_demo.permanent_eur_cents);
    purchase(
        db,
        Purchase {
            vehicle: &anna_aurora,
            feature: seats,
            feature_name: seats_demo.texts[1].0,
            customer: &customer,
            region: de,
            kind: DurationKind::Permanent,
            days: 0,
            status: ActivationStatus::Active,
            starts_at: now - Duration::days(60),
            ends_at: None,
            net: seats_net,
        },
        &mut sequences,
    )
    .await?;
    let (navigation, _) = feature_named("NAVIGATION_PRO");
    purchase(
        db,
        Purchase {
            vehicle: &anna_aurora,
            feature: navigation,
            feature_name: "Navigation Pro",
            customer: &customer,
            region: de,
            kind: DurationKind::Monthly,
            days: 0,
            status: ActivationStatus::Active,
            starts_at: now - Duration::days(20),
            ends_at: Some(start_of_next_month(now)),
            net: 0,
        },
        &mut sequences,
    )
    .await?;
    let (cruise, _) = feature_named("ADAPTIVE_CRUISE");
    purchase(
        db,
        Purchase {
            vehicle: &anna_aurora,
            feature: cruise,
            feature_name: "Adaptive cruise",
            customer: &customer,
            region: de,
            kind: DurationKind::Trial,
            days: 7,
            status: ActivationStatus::Expired,
            starts_at: now - Duration::days(40),
            ends_at: Some(now - Duration::days(33)),
            net: 0,
        },
        &mut sequences,
    )
    .await?;
    let (audio, audio_demo) = feature_named("PREMIUM_AUDIO");
    let audio_net = charm(charm(charm(audio_demo.permanent_eur_cents * es.price_level / 100) / 30) * 10);
    purchase(
        db,
        Purchase {
            vehicle: &lucia_cirrus,
            feature: audio,
            feature_name: audio_demo.texts[2].0,
            customer: &customer2,
            region: es,
            kind: DurationKind::Annual,
            days: 0,
            status: ActivationStatus::Active,
            starts_at: now - Duration::days(100),
            ends_at: Some(now + Duration::days(265)),
            net: audio_net,
        },
        &mut sequences,
    )
    .await?;
    for ((region_id, year), next) in sequences {
        invoice_sequences::ActiveModel { region_id: Set(region_id), year: Set(year), next_sequence: Set(next) }
            .insert(db)
            .await?;
    }

    maintenance(
        db,
        &anna_aurora,
        munich.workshop.id,
        mechanic.id,
        MaintenanceKind::Inspection,
        now - Duration::days(120),
        11_900,
        now + Duration::days(245),
        "Annual inspection, no findings.",
    )
    .await?;
    maintenance(
        db,
        &lucia_cirrus,
        madrid_workshop.workshop.id,
        mechanic2.id,
        MaintenanceKind::OilService,
        now - Duration::days(400),
        1_100,
        now - Duration::days(35),
        "Oil and filter changed.",
    )
    .await?;

    demo_workshop_days(db, now, (&munich, &mechanic), (&anna_borealis, &customer), &stock).await?;
    for car in [&anna_aurora, &lucia_cirrus] {
        super::telemetry::history(db, now, car).await?;
    }
    for car in [&anna_aurora, &anna_borealis, &lucia_cirrus] {
        parked(db, now, car).await?;
    }

    welcome(app, db, &customer).await?;
    welcome(app, db, &customer2).await?;

    let partner = partners::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set("Fleetwise Insurance".into()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    partner_vehicle_grants::ActiveModel {
        partner_id: Set(partner.id),
        vehicle_id: Set(anna_aurora.id),
        granted_at: Set(now),
        scopes: Set(crate::sessions::grants::READ_SCOPES.join(",")),
        granted_by: Set(Some(customer.id)),
    }
    .insert(db)
    .await?;
    let key =
        api_keys::create(app, db, partner.id, "Fleetwise demo key", &Scope::ALL, Some(DEMO_PARTNER_API_KEY.to_owned()))
            .await
            .map_err(|err| anyhow::anyhow!("creating the demo API key: {}", err.message()))?;

    Ok(SeedSummary { partner_api_key: key.plain_key, vehicles: vehicle_count, features: features.len() })
}
