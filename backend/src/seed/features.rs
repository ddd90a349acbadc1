//! The demo catalog: features with their texts in three languages and their base prices.

/// A demo feature.
pub struct DemoFeature {
    pub code: &'static str,
    pub category: &'static str,
    pub requires_maintenance: bool,
    pub min_firmware: &'static str,
    /// Model codes it fits; empty means every model.
    pub models: &'static [&'static str],
    /// Net price of the PERMANENT offer in euro cents; the other durations derive from it.
    pub permanent_eur_cents: i64,
    /// (name, description, demo text) in en, de, es.
    pub texts: [(&'static str, &'static str, &'static str); 3],
}

/// Every demo feature.
pub const FEATURES: &[DemoFeature] = &[
    DemoFeature {
        code: "HEATED_SEATS",
        category: "COMFORT",
        requires_maintenance: false,
        min_firmware: "2.0.0",
        models: &[],
        permanent_eur_cents: 39_900,
        texts: [
            (
                "Heated front seats",
                "Three heat levels for both front seats.",
                "Warm seats within 60 seconds on a frosty morning.",
            ),
            (
                "Sitzheizung vorn",
                "Drei Heizstufen für beide Vordersitze.",
                "Warme Sitze in 60 Sekunden an einem frostigen Morgen.",
            ),
            (
                "Asientos delanteros calefactados",
                "Tres niveles de calor en ambos asientos delanteros.",
                "Asientos calientes en 60 segundos en una mañana helada.",
            ),
        ],
    },
    DemoFeature {
        code: "HEATED_STEERING_WHEEL",
        category: "COMFORT",
        requires_maintenance: false,
        min_firmware: "2.0.0",
        models: &[],
        permanent_eur_cents: 19_900,
        texts: [
            ("Heated steering wheel", "A warm rim in cold weather.", "Grip a warm wheel before you leave the drive."),
            ("Lenkradheizung", "Ein warmer Lenkradkranz bei Kälte.", "Ein warmes Lenkrad, bevor Sie losfahren."),
            ("Volante calefactado", "Un aro cálido cuando hace frío.", "Un volante caliente antes de salir."),
        ],
    },
    DemoFeature {
        code: "SPORT_POWER",
        category: "PERFORMANCE",
        requires_maintenance: true,
        min_firmware: "3.0.0",
        models: &["AURORA", "BOREALIS", "CIRRUS"],
        permanent_eur_cents: 149_900,
        texts: [
            (
                "More power (+30 kW)",
                "Unlocks 30 kW more peak power. Needs up-to-date maintenance.",
                "0–100 km/h almost a second quicker.",
            ),
            (
                "Mehr Leistung (+30 kW)",
                "Schaltet 30 kW mehr Spitzenleistung frei. Setzt aktuelle Wartung voraus.",
                "0–100 km/h fast eine Sekunde schneller.",
            ),
            (
                "Más potencia (+30 kW)",
                "Desbloquea 30 kW más de potencia máxima. Requiere el mantenimiento al día.",
                "0–100 km/h casi un segundo más rápido.",
            ),
        ],
    },
    DemoFeature {
        code: "ADAPTIVE_CRUISE",
        category: "ASSISTANCE",
        requires_maintenance: false,
        min_firmware: "2.4.0",
        models: &[],
        permanent_eur_cents: 59_900,
        texts: [
            (
                "Adaptive cruise control",
                "Keeps a safe distance to the car ahead, down to standstill.",
                "Let the car follow the traffic on your commute.",
            ),
            (
                "Abstandsregeltempomat",
                "Hält den Abstand zum Vorausfahrenden, bis zum Stillstand.",
                "Lassen Sie das Auto im Pendelverkehr folgen.",
            ),
            (
                "Control de crucero adaptativo",
                "Mantiene la distancia con el coche de delante, hasta detenerse.",
                "Deje que el coche siga el tráfico en su trayecto.",
            ),
        ],
    },
    DemoFeature {
        code: "PARKING_ASSISTANT",
        category: "ASSISTANCE",
        requires_maintenance: false,
        min_firmware: "2.4.0",
        models: &[],
        permanent_eur_cents: 44_900,
        texts: [
            (
                "Parking assistant",
                "Steers into parallel and bay spaces by itself.",
                "Watch the car park itself in a tight street.",
            ),
            (
                "Parkassistent",
                "Lenkt selbstständig in Längs- und Querparklücken.",
                "Sehen Sie zu, wie das Auto in einer engen Straße einparkt.",
            ),
            (
                "Asistente de aparcamiento",
                "Aparca solo en línea y en batería.",
                "Vea cómo el coche aparca solo en una calle estrecha.",
            ),
        ],
    },
    DemoFeature {
        code: "LANE_KEEPING",
        category: "ASSISTANCE",
        requires_maintenance: false,
        min_firmware: "3.0.0",
        models: &[],
        permanent_eur_cents: 34_900,
        texts: [
            (
                "Lane keeping assistant",
                "Gently steers back when you drift out of lane.",
                "A nudge on the wheel keeps you centred.",
            ),
            (
                "Spurhalteassistent",
                "Lenkt sanft zurück, wenn Sie die Spur verlassen.",
                "Ein Impuls am Lenkrad hält Sie in der Mitte.",
            ),
            (
                "Asistente de mantenimiento de carril",
                "Corrige suavemente si se sale del carril.",
                "Un toque en el volante le mantiene centrado.",
            ),
        ],
    },
    DemoFeature {
        code: "AMBIENT_LIGHTING",
        category: "COMFORT",
        requires_maintenance: false,
        min_firmware: "2.0.0",
        models: &["AURORA", "BOREALIS"],
        permanent_eur_cents: 14_900,
        texts: [
            ("Ambient lighting", "64 colours for the cabin's accent lights.", "Set the mood for a night drive."),
            (
                "Ambientebeleuchtung",
                "64 Farben für die Akzentbeleuchtung im Innenraum.",
                "Die passende Stimmung für die Nachtfahrt.",
            ),
            (
                "Iluminación ambiental",
                "64 colores para las luces del habitáculo.",
                "Cree ambiente para conducir de noche.",
            ),
        ],
    },
    DemoFeature {
        code: "PREMIUM_AUDIO",
        category: "INFOTAINMENT",
        requires_maintenance: false,
        min_firmware: "2.0.0",
        models: &[],
        permanent_eur_cents: 49_900,
        texts: [
            (
                "Premium audio",
                "Unlocks all 14 speakers and the surround mode.",
                "Hear your favourite album in surround.",
            ),
            (
                "Premium-Sound",
                "Schaltet alle 14 Lautsprecher und den Surround-Modus frei.",
                "Hören Sie Ihr Lieblingsalbum in Surround.",
            ),
            (
                "Audio premium",
                "Activa los 14 altavoces y el modo envolvente.",
                "Escuche su álbum favorito en sonido envolvente.",
            ),
        ],
    },
    DemoFeature {
        code: "NAVIGATION_PRO",
        category: "INFOTAINMENT",
        requires_maintenance: false,
        min_firmware: "2.0.0",
        models: &[],
        permanent_eur_cents: 29_900,
        texts: [
            (
                "Navigation Pro",
                "Live traffic, charging stops and map updates.",
                "Plan a trip with live traffic and charging stops.",
            ),
            (
                "Navigation Pro",
                "Live-Verkehr, Ladestopps und Kartenupdates.",
                "Planen Sie eine Reise mit Live-Verkehr und Ladestopps.",
            ),
            (
                "Navegación Pro",
                "Tráfico en directo, paradas de carga y mapas actualizados.",
                "Planifique un viaje con tráfico en directo y paradas de carga.",
            ),
        ],
    },
    DemoFeature {
        code: "REMOTE_CLIMATE",
        category: "CONNECTIVITY",
        requires_maintenance: false,
        min_firmware: "3.1.0",
        models: &[],
        permanent_eur_cents: 24_900,
        texts: [
            (
                "Remote climate control",
                "Heat or cool the cabin from your phone.",
                "Step into a cool car on a summer afternoon.",
            ),
            (
                "Standklimatisierung",
                "Innenraum per Handy heizen oder kühlen.",
                "Steigen Sie an einem Sommernachmittag in ein kühles Auto.",
            ),
            (
                "Climatización remota",
                "Calienta o enfría el habitáculo desde el móvil.",
                "Suba a un coche fresco una tarde de verano.",
            ),
        ],
    },
    DemoFeature {
        code: "TOWING_MODE",
        category: "UTILITY",
        requires_maintenance: true,
        min_firmware: "3.0.0",
        models: &["BOREALIS"],
        permanent_eur_cents: 29_900,
        texts: [
            (
                "Towing mode",
                "Raises the towing limit to 2,000 kg with trailer stability control.",
                "Tow a caravan with confidence.",
            ),
            (
                "Anhängermodus",
                "Erhöht die Anhängelast auf 2.000 kg mit Gespannstabilisierung.",
                "Ziehen Sie einen Wohnwagen mit Sicherheit.",
            ),
            (
                "Modo remolque",
                "Aumenta la carga remolcable a 2.000 kg con control de estabilidad.",
                "Remolque una caravana con seguridad.",
            ),
        ],
    },
    DemoFeature {
        code: "TRACK_MODE",
        category: "PERFORMANCE",
        requires_maintenance: true,
        min_firmware: "3.2.0",
        models: &["AURORA"],
        permanent_eur_cents: 99_900,
        texts: [
            (
                "Track mode",
                "Sharper throttle, firmer damping and lap timer.",
                "Feel the car tighten up on a closed circuit.",
            ),
            (
                "Rennstreckenmodus",
                "Direkteres Ansprechen, straffere Dämpfung und Rundenzeitmesser.",
                "Spüren Sie, wie das Auto auf der Rennstrecke strafft.",
            ),
            (
                "Modo circuito",
                "Respuesta más directa, suspensión más firme y cronómetro.",
                "Sienta el coche más firme en un circuito cerrado.",
            ),
        ],
    },
    DemoFeature {
        code: "DRIVE_RECORDER",
        category: "SAFETY",
        requires_maintenance: false,
        min_firmware: "3.1.0",
        models: &[],
        permanent_eur_cents: 17_900,
        texts: [
            (
                "Drive recorder",
                "Saves the cameras' footage around an incident.",
                "Keep a clip of what happened, automatically.",
            ),
            (
                "Fahrtenrekorder",
                "Speichert die Kamerabilder rund um einen Vorfall.",
                "Behalten Sie automatisch einen Clip des Geschehens.",
            ),
            (
                "Grabador de conducción",
                "Guarda las imágenes de las cámaras en torno a un incidente.",
                "Conserve automáticamente un vídeo de lo ocurrido.",
            ),
        ],
    },
];
