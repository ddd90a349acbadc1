//! OBD-II diagnostic trouble codes (SAE J2012): validation, classification and descriptions.
//!
//! The descriptions live in `backend/data/fault_codes.tsv` (code, English, German, Spanish) and are
//! parsed once on first use. Only generic codes are described; a manufacturer code is classified but
//! never given an invented text.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::domain::Locale;

/// The table: a header line, then `code\ten\tde\tes` per line.
const TABLE: &str = include_str!("../../data/fault_codes.tsv");

/// The descriptions by code, in the order English, German, Spanish.
static DESCRIPTIONS: LazyLock<HashMap<&'static str, [&'static str; 3]>> = LazyLock::new(|| {
    TABLE
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.trim_end_matches('\r').split('\t');
            match (cells.next(), cells.next(), cells.next(), cells.next(), cells.next()) {
                (Some(code), Some(en), Some(de), Some(es), None) if !code.is_empty() => Some((code, [en, de, es])),
                _ => None,
            }
        })
        .collect()
});

/// Which system of the car a code belongs to (its first letter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, async_graphql::Enum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FaultSystem {
    /// Engine and transmission (`P`).
    Powertrain,
    /// Brakes, steering, suspension (`C`).
    Chassis,
    /// Cabin, airbags, comfort (`B`).
    Body,
    /// Communication between control modules (`U`).
    Network,
}

/// Whether SAE defines the code for every maker, or the maker of the car does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, async_graphql::Enum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FaultOrigin {
    /// Defined (or reserved) by SAE, the same meaning for every maker.
    Generic,
    /// Defined by the maker of the car.
    Manufacturer,
}

/// A code that is not of the form `[PCBU][0-3][0-9A-F]{3}`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a fault code is a letter P, C, B or U, a digit 0 to 3 and three hexadecimal digits, e.g. P0301")]
pub struct InvalidFaultCode;

/// A validated code, upper-case, e.g. `P0301`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FaultCode(String);

impl FaultCode {
    /// Parses `text` (surrounding spaces trimmed, lower-case accepted) — `p0301 ` → `P0301`.
    pub fn parse(text: &str) -> Result<Self, InvalidFaultCode> {
        let code = text.trim().to_ascii_uppercase();
        match code.as_bytes() {
            [b'P' | b'C' | b'B' | b'U', b'0'..=b'3', rest @ ..]
                if rest.len() == 3 && rest.iter().all(u8::is_ascii_hexdigit) =>
            {
                Ok(Self(code))
            }
            _ => Err(InvalidFaultCode),
        }
    }

    /// The code, e.g. `P0301`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The system the code belongs to, by its first letter.
    pub fn system(&self) -> FaultSystem {
        match self.0.as_bytes()[0] {
            b'P' => FaultSystem::Powertrain,
            b'C' => FaultSystem::Chassis,
            b'B' => FaultSystem::Body,
            _ => FaultSystem::Network,
        }
    }

    /// Whether SAE or the maker defines the code, by the rules of SAE J2012.
    pub fn origin(&self) -> FaultOrigin {
        let bytes = self.0.as_bytes();
        let generic = match (self.system(), bytes[1]) {
            (_, b'0') => true,
            (_, b'1') => false,
            (FaultSystem::Powertrain, b'2') => true,
            (_, b'2') => false,
            // P3000–P33FF belong to the maker, P3400–P39FF to SAE.
            (FaultSystem::Powertrain, _) => !matches!(bytes[2], b'0'..=b'3'),
            // B3, C3 and U3 are reserved by SAE.
            _ => true,
        };
        if generic { FaultOrigin::Generic } else { FaultOrigin::Manufacturer }
    }

    /// The subsystem for people in `locale`, e.g. "Ignition system or misfire" / "Zündung oder Fehlzündung" /
    /// "Encendido o fallo de encendido" for P03xx; for manufacturer codes and for groups SAE leaves
    /// unassigned, a generic wording such as "Manufacturer-specific (powertrain)" /
    /// "Herstellerspezifisch (Antrieb)" / "Específico del fabricante (motor y transmisión)".
    pub fn subsystem(&self, locale: Locale) -> &'static str {
        in_locale(self.subsystem_texts(), locale)
    }

    /// The description from the table in `locale`; `None` for a code the table does not hold (every
    /// manufacturer code, unknown generic ones) — never an invented text.
    pub fn description(&self, locale: Locale) -> Option<&'static str> {
        DESCRIPTIONS.get(self.0.as_str()).map(|texts| in_locale(*texts, locale))
    }

    /// The subsystem wording in English, German and Spanish.
    fn subsystem_texts(&self) -> [&'static str; 3] {
        let bytes = self.0.as_bytes();
        let system = self.system();
        if self.origin() == FaultOrigin::Manufacturer {
            return match system {
                FaultSystem::Powertrain => [
                    "Manufacturer-specific (powertrain)",
                    "Herstellerspezifisch (Antrieb)",
                    "Específico del fabricante (motor y transmisión)",
                ],
                FaultSystem::Chassis => [
                    "Manufacturer-specific (chassis)",
                    "Herstellerspezifisch (Fahrwerk)",
                    "Específico del fabricante (chasis)",
                ],
                FaultSystem::Body => [
                    "Manufacturer-specific (body)",
                    "Herstellerspezifisch (Karosserie)",
                    "Específico del fabricante (carrocería)",
                ],
                FaultSystem::Network => [
                    "Manufacturer-specific (network)",
                    "Herstellerspezifisch (Netzwerk)",
                    "Específico del fabricante (red de comunicación)",
                ],
            };
        }
        match (system, bytes[1], bytes[2]) {
            (FaultSystem::Powertrain, b'0' | b'2', group) => powertrain_group(bytes[1], group),
            (FaultSystem::Powertrain, _, _) => POWERTRAIN_OTHER,
            (FaultSystem::Chassis, b'0', _) => ["Chassis", "Fahrwerk", "Chasis"],
            (FaultSystem::Chassis, _, _) => {
                ["Chassis (reserved by SAE)", "Fahrwerk (von SAE reserviert)", "Chasis (reservado por SAE)"]
            }
            (FaultSystem::Body, b'0', _) => ["Body", "Karosserie", "Carrocería"],
            (FaultSystem::Body, _, _) => {
                ["Body (reserved by SAE)", "Karosserie (von SAE reserviert)", "Carrocería (reservado por SAE)"]
            }
            (FaultSystem::Network, b'0', group) => network_group(group),
            (FaultSystem::Network, _, _) => [
                "Network communication (reserved by SAE)",
                "Netzwerkkommunikation (von SAE reserviert)",
                "Red de comunicación (reservado por SAE)",
            ],
        }
    }
}

/// Generic powertrain codes outside the groups SAE names.
const POWERTRAIN_OTHER: [&str; 3] = ["Powertrain (other)", "Antrieb (sonstige)", "Motor y transmisión (otros)"];

/// Fuel and air metering, the wording shared by P01, P02 and P2A.
const FUEL_AIR: [&str; 3] =
    ["Fuel and air metering", "Kraftstoff- und Luftzumessung", "Dosificación de combustible y aire"];

/// The subsystem of a generic powertrain code `P<second><group>xx`.
fn powertrain_group(second: u8, group: u8) -> [&'static str; 3] {
    match group {
        b'0' => [
            "Fuel and air metering, auxiliary emission controls",
            "Kraftstoff- und Luftzumessung, Zusatz-Abgasregelung",
            "Dosificación de combustible y aire, controles auxiliares de emisiones",
        ],
        b'1' | b'2' => FUEL_AIR,
        b'3' => ["Ignition system or misfire", "Zündung oder Fehlzündung", "Encendido o fallo de encendido"],
        b'4' => ["Auxiliary emission controls", "Zusatz-Abgasregelung", "Controles auxiliares de emisiones"],
        b'5' => [
            "Vehicle speed, idle control and auxiliary inputs",
            "Fahrgeschwindigkeit, Leerlaufregelung und Zusatzeingänge",
            "Velocidad del vehículo, control de ralentí y entradas auxiliares",
        ],
        b'6' => [
            "Computer and output circuits",
            "Steuergerät und Ausgangsschaltungen",
            "Unidad de control y circuitos de salida",
        ],
        b'7'..=b'9' => ["Transmission", "Getriebe", "Transmisión"],
        // P0Axx is hybrid propulsion; P2Axx continues fuel and air metering (e.g. P2A00, an O2 sensor).
        b'A' if second == b'0' => ["Hybrid propulsion", "Hybridantrieb", "Propulsión híbrida"],
        b'A' => FUEL_AIR,
        _ => POWERTRAIN_OTHER,
    }
}

/// The subsystem of a generic network code `U0<group>xx`.
fn network_group(group: u8) -> [&'static str; 3] {
    match group {
        b'0' => ["Network electrical", "Netzwerk, Elektrik", "Red de comunicación, parte eléctrica"],
        b'1' | b'2' => [
            "Network communication: lost communication with a module",
            "Netzwerkkommunikation: keine Verbindung zu einem Steuergerät",
            "Red de comunicación: comunicación perdida con un módulo",
        ],
        b'3' => [
            "Network communication: software incompatibility",
            "Netzwerkkommunikation: Software nicht kompatibel",
            "Red de comunicación: incompatibilidad de software",
        ],
        b'4' => [
            "Network communication: invalid data received",
            "Netzwerkkommunikation: ungültige Daten empfangen",
            "Red de comunicación: datos no válidos recibidos",
        ],
        _ => ["Network communication", "Netzwerkkommunikation", "Red de comunicación"],
    }
}

/// Picks the text for `locale` out of English, German and Spanish.
fn in_locale(texts: [&'static str; 3], locale: Locale) -> &'static str {
    let [en, de, es] = texts;
    match locale {
        Locale::En => en,
        Locale::De => de,
        Locale::Es => es,
    }
}

/// How many codes the table describes.
pub fn described_count() -> usize {
    DESCRIPTIONS.len()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn code(text: &str) -> FaultCode {
        FaultCode::parse(text).unwrap()
    }

    #[test]
    fn accepts_well_formed_codes() {
        for text in ["P0301", "p0301", " U0100 ", "C0035", "B0001", "P2A00", "p2a00"] {
            assert!(FaultCode::parse(text).is_ok(), "{text:?} should be accepted");
        }
        assert_eq!(code("p0301 ").as_str(), "P0301");
        assert_eq!(code(" U0100 ").as_str(), "U0100");
    }

    #[test]
    fn rejects_malformed_codes() {
        for text in ["P4301", "X0301", "P030", "P03011", "P03G1", "", "   ", "P 301", "0301P"] {
            assert_eq!(FaultCode::parse(text), Err(InvalidFaultCode), "{text:?} should be rejected");
        }
    }

    #[test]
    fn system_is_the_first_letter() {
        assert_eq!(code("P0301").system(), FaultSystem::Powertrain);
        assert_eq!(code("C0035").system(), FaultSystem::Chassis);
        assert_eq!(code("B0001").system(), FaultSystem::Body);
        assert_eq!(code("U0100").system(), FaultSystem::Network);
    }

    #[test]
    fn origin_follows_sae_j2012() {
        for text in ["P0301", "P2096", "P3400", "P39FF", "U0100", "B3000", "C0035"] {
            assert_eq!(code(text).origin(), FaultOrigin::Generic, "{text}");
        }
        for text in ["P1234", "P3000", "P33FF", "B1234", "C2345", "U1001", "U2100"] {
            assert_eq!(code(text).origin(), FaultOrigin::Manufacturer, "{text}");
        }
    }

    #[test]
    fn p0301_is_described_in_every_language() {
        let p0301 = code("P0301");
        let [en, de, es] = Locale::ALL.map(|locale| p0301.description(locale).unwrap());
        assert_eq!(en, "Cylinder 1 misfire detected");
        assert_ne!(de, en);
        assert_ne!(es, en);
        assert_ne!(de, es);
    }

    #[test]
    fn subsystems_are_worded_per_locale() {
        let p0301 = code("P0301");
        assert_eq!(p0301.subsystem(Locale::En), "Ignition system or misfire");
        assert_eq!(p0301.subsystem(Locale::De), "Zündung oder Fehlzündung");
        assert_eq!(p0301.subsystem(Locale::Es), "Encendido o fallo de encendido");
        assert_eq!(code("P0A80").subsystem(Locale::En), "Hybrid propulsion");
        assert_eq!(code("P0700").subsystem(Locale::En), "Transmission");
        assert_eq!(code("U0100").subsystem(Locale::En), "Network communication: lost communication with a module");
        for text in ["P0301", "P1234", "P2A00", "P3400", "P0A80", "C0035", "C3000", "B0001", "U0401", "U3000"] {
            let fault = code(text);
            let [en, de, es] = Locale::ALL.map(|locale| fault.subsystem(locale));
            assert!(!en.is_empty() && !de.is_empty() && !es.is_empty(), "{text}");
            assert!(en != de && en != es, "{text}");
        }
    }

    #[test]
    fn manufacturer_codes_have_a_subsystem_but_no_description() {
        let p1234 = code("P1234");
        for locale in Locale::ALL {
            assert_eq!(p1234.description(locale), None);
        }
        assert_eq!(p1234.subsystem(Locale::En), "Manufacturer-specific (powertrain)");
        assert_eq!(p1234.subsystem(Locale::De), "Herstellerspezifisch (Antrieb)");
        assert_eq!(p1234.subsystem(Locale::Es), "Específico del fabricante (motor y transmisión)");
        assert_eq!(code("P0FFF").description(Locale::En), None);
    }

    #[test]
    fn the_table_describes_many_codes() {
        assert!(described_count() >= 170, "only {} codes described", described_count());
    }

    #[test]
    fn every_table_row_is_a_described_generic_code() {
        let mut lines = TABLE.lines();
        assert_eq!(lines.next(), Some("code\ten\tde\tes"));
        let mut seen = HashSet::new();
        for line in lines {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), 4, "{line:?}");
            assert!(cells.iter().all(|cell| !cell.trim().is_empty()), "{line:?}");
            assert!(cells.iter().all(|cell| cell.trim() == *cell), "{line:?}");
            let fault = FaultCode::parse(cells[0]).unwrap();
            assert_eq!(fault.as_str(), cells[0], "codes are stored upper-case");
            assert_eq!(fault.origin(), FaultOrigin::Generic, "{line:?}");
            assert!(seen.insert(cells[0]), "duplicate {}", cells[0]);
            for (locale, text) in Locale::ALL.into_iter().zip(&cells[1..]) {
                assert_eq!(fault.description(locale), Some(*text));
            }
        }
        assert_eq!(seen.len(), described_count());
    }
}
