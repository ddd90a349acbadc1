//! The other half of the access matrix: who may call each root field of `Mutation` and
//! `Subscription`, generated from the schema. Every root field needs a row (the roles as in
//! `access_matrix`); a mutation is sent as each role its row refuses, with arguments of the right
//! types, and must be refused (FORBIDDEN or UNAUTHENTICATED) before it does anything. Subscriptions
//! are not opened here — their rows say who they serve, and `subscriptions.rs` opens them.

use std::collections::{BTreeMap, HashMap};

use caas_tests::spawn_app;
use serde_json::{Value, json};

use super::access_matrix::{ROLES, fixture};

/// Who may call each root field: one character per role of `access_matrix::ROLES`
/// (owner, customer, former, dealer, other_dealer, workshop, workshop_job, support, admin, partner_veh,
/// partner_cat, partner_exp, partner_all, anonymous); `y` may call it, `-` is refused. A `y` is the
/// role's right to call; which rows it may then touch is the service's check (a customer's own
/// car, a dealer's own orders), shown in the scope tests.
#[rustfmt::skip]
const CALLERS: &[(&str, &str)] = &[
    ("Mutation.addPassword", "yyyyyyyyy-----"),
    ("Mutation.addRepairOrderLine", "-----yy-------"),
    ("Mutation.answerCampaignQuestion", "yyy-----------"),
    ("Mutation.approveCampaign", "--------y-----"),
    ("Mutation.askAssistant", "yyyyyyyyy-----"),
    ("Mutation.assignTicket", "-------yy-----"),
    ("Mutation.bookService", "yyy--yy-------"),
    ("Mutation.cancelAccountErasure", "yyyyyyyyy-----"),
    ("Mutation.cancelActivation", "yyy-----------"),
    ("Mutation.cancelBooking", "yyy--yy-------"),
    ("Mutation.cancelCampaign", "--------y-----"),
    ("Mutation.cancelOrder", "---yy---------"),
    ("Mutation.changePassword", "yyyyyyyyy-----"),
    ("Mutation.changeUserRole", "--------y-----"),
    ("Mutation.checkInVehicle", "-----yy-------"),
    ("Mutation.commentTicket", "-------yy-----"),
    ("Mutation.completeOidcSignIn", "yyyyyyyyyyyyyy"),
    ("Mutation.confirmBooking", "-----yy-------"),
    ("Mutation.confirmOidcLink", "yyyyyyyyyyyyyy"),
    ("Mutation.createApiKey", "--------y-----"),
    ("Mutation.createCampaign", "--------y-----"),
    ("Mutation.createFaqEntry", "-----yy-y-----"),
    ("Mutation.createFeature", "--------y-----"),
    ("Mutation.createPartner", "--------y-----"),
    ("Mutation.createVoucherBatch", "--------y-----"),
    ("Mutation.decideEstimate", "yyy-----------"),
    ("Mutation.decideEstimateByLink", "yyyyyyyyyyyyyy"),
    ("Mutation.deleteAssistantConversation", "yyyyyyyyy-----"),
    ("Mutation.deleteFaqEntry", "-----yy-y-----"),
    ("Mutation.disableUser", "--------y-----"),
    ("Mutation.enableUser", "--------y-----"),
    ("Mutation.grantPartnerVehicle", "--------y-----"),
    ("Mutation.grantVehicleAccess", "yyy-----------"),
    ("Mutation.inviteStaff", "--------y-----"),
    ("Mutation.linkOidcIdentity", "yyyyyyyyy-----"),
    ("Mutation.login", "yyyyyyyyyyyyyy"),
    ("Mutation.logout", "yyyyyyyyyyyyyy"),
    ("Mutation.markAllNotificationsRead", "yyyyyyyyy-----"),
    ("Mutation.markDelivered", "---yy---------"),
    ("Mutation.markNoShow", "-----yy-------"),
    ("Mutation.markNotificationRead", "yyyyyyyyy-----"),
    ("Mutation.moveRepairOrder", "-----yy-------"),
    ("Mutation.pauseCampaign", "--------y-----"),
    ("Mutation.purchaseFeature", "yyy-----------"),
    ("Mutation.recordDiagnosticSession", "-----yy-------"),
    ("Mutation.recordPayment", "---yy---------"),
    ("Mutation.recordUserActions", "yyyyyyyyy-----"),
    ("Mutation.redeemVoucher", "yyy-----------"),
    ("Mutation.refreshToken", "yyyyyyyyyyyyyy"),
    ("Mutation.refundPayment", "-------yy-----"),
    ("Mutation.registerPushDevice", "yyyyyyyyy-----"),
    ("Mutation.registerSale", "---yy---------"),
    ("Mutation.registerTradeIn", "---yy---------"),
    ("Mutation.removePrice", "--------y-----"),
    ("Mutation.removePushDevice", "yyyyyyyyy-----"),
    ("Mutation.removeRepairOrderLine", "-----yy-------"),
    ("Mutation.requestAccountErasure", "yyyyyyyyy-----"),
    ("Mutation.requestDataExport", "yyyyyyyyy-----"),
    ("Mutation.requestPasswordReset", "yyyyyyyyyyyyyy"),
    ("Mutation.rescheduleBooking", "yyy--yy-------"),
    ("Mutation.resendEmail", "-------yy-----"),
    ("Mutation.resendPasswordLink", "---yy--y------"),
    ("Mutation.resetPassword", "yyyyyyyyyyyyyy"),
    ("Mutation.resolveBankTransfer", "-------yy-----"),
    ("Mutation.resolveTicket", "-------yy-----"),
    ("Mutation.resumeCampaign", "--------y-----"),
    ("Mutation.retireFeature", "--------y-----"),
    ("Mutation.retryActivation", "-------yy-----"),
    ("Mutation.retryDeactivation", "-------yy-----"),
    ("Mutation.retryRegistration", "---yy---------"),
    ("Mutation.revokeApiKey", "--------y-----"),
    ("Mutation.revokePartnerVehicle", "--------y-----"),
    ("Mutation.revokeVehicleAccess", "yyy-----------"),
    ("Mutation.rollBackCampaign", "--------y-----"),
    ("Mutation.savePaymentCard", "yyy-----------"),
    ("Mutation.saveRegion", "--------y-----"),
    ("Mutation.saveServiceType", "-----yy-y-----"),
    ("Mutation.saveWorkshopResource", "-----yy-y-----"),
    ("Mutation.scheduleVatRate", "--------y-----"),
    ("Mutation.sendOidcLinkEmail", "yyyyyyyyyyyyyy"),
    ("Mutation.sendVehicleCommand", "yyy-----------"),
    ("Mutation.setAssistantMonthlyCap", "--------y-----"),
    ("Mutation.setClosedDay", "-----yy-y-----"),
    ("Mutation.setNotificationPreference", "yyyyyyyyy-----"),
    ("Mutation.setOpeningHours", "-----yy-y-----"),
    ("Mutation.setPassword", "yyyyyyyyyyyyyy"),
    ("Mutation.setPrice", "--------y-----"),
    ("Mutation.setQuietHours", "yyyyyyyyy-----"),
    ("Mutation.setSmsNumber", "yyyyyyyyy-----"),
    ("Mutation.setUpSepaMandate", "yyy-----------"),
    ("Mutation.startTrial", "yyy-----------"),
    ("Mutation.switchFeature", "-------yy-----"),
    ("Mutation.unlinkIdentity", "yyyyyyyyy-----"),
    ("Mutation.updateFaqEntry", "-----yy-y-----"),
    ("Mutation.updateFeature", "--------y-----"),
    ("Mutation.updateProfile", "yyyyyyyyy-----"),
    ("Mutation.updateWorkshop", "-----yy-y-----"),
    ("Subscription.activationProgress", "yyyyyyyyy-----"),
    ("Subscription.assistantAnswer", "yyyyyyyyy-----"),
    ("Subscription.campaignProgress", "-------yy-----"),
    ("Subscription.notifications", "yyyyyyyyy-----"),
    ("Subscription.orderProgress", "yyyyyyyyy-----"),
    ("Subscription.repairOrderProgress", "yyyyyyyyy-----"),
    ("Subscription.vehicleCommandProgress", "yyyyyyyyy-----"),
    ("Subscription.vehicleTelemetry", "yyyyyyyyy---y-"),
];

/// Input types and enums of the schema, to write arguments of the right type.
struct Types {
    inputs: HashMap<String, Vec<(String, Value)>>,
    enums: HashMap<String, String>,
}

impl Types {
    /// A literal of `ty` (an introspected type reference); `None` for a nullable one (left out).
    fn literal(&self, ty: &Value) -> Option<String> {
        if ty["kind"] != "NON_NULL" {
            return None;
        }
        let inner = &ty["ofType"];
        let name = inner["name"].as_str().unwrap_or_default();
        Some(match inner["kind"].as_str().unwrap_or_default() {
            "LIST" => "[]".to_owned(),
            "ENUM" => self.enums[name].clone(),
            "INPUT_OBJECT" => {
                let fields: Vec<String> = self.inputs[name]
                    .iter()
                    .filter_map(|(field, ty)| self.literal(ty).map(|value| format!("{field}: {value}")))
                    .collect();
                format!("{{ {} }}", fields.join(", "))
            }
            _ => match name {
                "Int" => "1".to_owned(),
                "Float" => "1.0".to_owned(),
                "Boolean" => "false".to_owned(),
                "ID" => "\"00000000-0000-7000-8000-000000000000\"".to_owned(),
                "DateTime" => "\"2027-01-01T00:00:00Z\"".to_owned(),
                "NaiveDate" => "\"2027-01-01\"".to_owned(),
                "JSON" => "{}".to_owned(),
                _ => "\"x\"".to_owned(),
            },
        })
    }
}

const TYPE_REF: &str = "type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

/// The root fields of `Mutation` and `Subscription` with a call of each, and the schema's types.
async fn roots(app: &caas_tests::TestApp) -> BTreeMap<String, String> {
    let query = format!(
        "{{ __schema {{ types {{ name kind enumValues {{ name }} \
           inputFields {{ name defaultValue {TYPE_REF} }} \
           fields {{ name args {{ name defaultValue {TYPE_REF} }} {TYPE_REF} }} }} }} }}"
    );
    let response = app.graphql(&query, json!({})).await;
    let all = response.data()["__schema"]["types"].as_array().expect("types").clone();
    let mut types = Types { inputs: HashMap::new(), enums: HashMap::new() };
    for ty in &all {
        let name = ty["name"].as_str().unwrap_or_default().to_owned();
        match ty["kind"].as_str().unwrap_or_default() {
            "ENUM" => {
                types.enums.insert(name, ty["enumValues"][0]["name"].as_str().unwrap_or_default().to_owned());
            }
            "INPUT_OBJECT" => {
                let fields = ty["inputFields"]
                    .as_array()
                    .expect("input fields")
                    .iter()
                    .filter(|field| field["defaultValue"].is_null())
                    .map(|field| (field["name"].as_str().unwrap_or_default().to_owned(), field["type"].clone()))
                    .collect();
                types.inputs.insert(name, fields);
            }
            _ => {}
        }
    }
    let mut calls = BTreeMap::new();
    for root in ["Mutation", "Subscription"] {
        let Some(ty) = all.iter().find(|ty| ty["name"] == root) else { continue };
        for field in ty["fields"].as_array().expect("fields") {
            let name = field["name"].as_str().expect("name");
            let args: Vec<String> = field["args"]
                .as_array()
                .expect("args")
                .iter()
                .filter(|arg| arg["defaultValue"].is_null())
                .filter_map(|arg| {
                    types.literal(&arg["type"]).map(|value| format!("{}: {value}", arg["name"].as_str().expect("arg")))
                })
                .collect();
            let call = if args.is_empty() { name.to_owned() } else { format!("{name}({})", args.join(", ")) };
            let selection = if is_object(&field["type"]) { " { __typename }" } else { "" };
            calls.insert(format!("{root}.{name}"), format!("{} {{ {call}{selection} }}", root.to_lowercase()));
        }
    }
    calls
}

fn is_object(ty: &Value) -> bool {
    let mut ty = ty;
    while ty["name"].is_null() {
        ty = &ty["ofType"];
    }
    ty["kind"] == "OBJECT"
}

fn refused(answer: &Value) -> bool {
    let code = answer["errors"][0]["extensions"]["code"].as_str().unwrap_or_default();
    code == "FORBIDDEN" || code == "UNAUTHENTICATED"
}

#[tokio::test]
async fn every_mutation_and_subscription_has_its_callers_and_refuses_everyone_else() {
    let app = spawn_app().await;
    let calls = roots(&app).await;
    let (_, viewers) = fixture(&app).await;
    assert_eq!(viewers.iter().map(|(role, _)| *role).collect::<Vec<_>>(), ROLES);
    let table: HashMap<&str, &str> = CALLERS.iter().copied().collect();
    let printing = std::env::var("ACCESS_MATRIX_PRINT").is_ok();
    let mut problems = Vec::new();
    for (field, call) in &calls {
        let Some(expected) = table.get(field.as_str()).copied().or(printing.then_some("--------------")) else {
            problems.push(format!("{field} has no row in the callers' table"));
            continue;
        };
        let mut observed = String::new();
        for ((role, headers), want) in viewers.iter().zip(expected.chars()) {
            // Only refusals are sent: they must change nothing, so the order does not matter.
            if want != '-' || field.starts_with("Subscription.") {
                observed.push(want);
                continue;
            }
            let mut request = app.client.post(format!("{}/graphql", app.address)).json(&json!({ "query": call }));
            for (name, value) in headers {
                request = request.header(*name, value.as_str());
            }
            let response = request.send().await.expect("request");
            let status = response.status().as_u16();
            let answer: Value = response.json().await.unwrap_or(Value::Null);
            if refused(&answer) || status == 401 {
                observed.push('-');
            } else {
                observed.push('y');
                if !printing {
                    problems.push(format!("{field}: {role} was not refused: {answer}"));
                }
            }
        }
        if printing {
            println!("    (\"{field}\", \"{observed}\"),");
        }
    }
    for field in table.keys() {
        if !calls.contains_key(*field) {
            problems.push(format!("{field} is in the callers' table but not in the schema"));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
