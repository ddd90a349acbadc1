//! The API's error type: every failure a client can see, each with its GraphQL `extensions.code`.
//!
//! Domain services have their own error enums; each converts into [`ApiError`], the one place that
//! decides what a client is told. Internal errors are logged with their cause chain and shown as a
//! generic message.

use std::sync::Arc;

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};

/// The codes clients can rely on in `extensions.code`.
pub mod code {
    /// No valid credentials were presented.
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    /// The caller is known but may not do this.
    pub const FORBIDDEN: &str = "FORBIDDEN";
    /// The thing asked for does not exist.
    pub const NOT_FOUND: &str = "NOT_FOUND";
    /// The request is malformed or an argument is invalid.
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    /// The request conflicts with the current state (duplicate, wrong state).
    pub const CONFLICT: &str = "CONFLICT";
    /// Too many attempts; retry after `extensions.retryAfterSeconds`.
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    /// A system we depend on is unavailable; the request may be retried.
    pub const UNAVAILABLE: &str = "UNAVAILABLE";
    /// Something failed on our side; the detail is in the server log.
    pub const INTERNAL: &str = "INTERNAL";
}

/// Every error a client can receive.
///
/// It deliberately does not implement `Display`: async-graphql turns any displayable error into a
/// message without a code, so resolvers return `ApiResult` and convert through the `From` below.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// Missing, expired or forged credentials.
    Unauthenticated(String),
    /// Authenticated, but outside the caller's role or scope.
    Forbidden(String),
    /// The named thing does not exist.
    NotFound(&'static str),
    /// An argument is invalid; `field` names it when there is one.
    BadInput {
        /// The argument at fault, e.g. `vin`.
        field: Option<&'static str>,
        /// What is wrong with it, for people.
        message: String,
    },
    /// The request conflicts with existing data.
    Conflict(String),
    /// A business rule refuses the request; `reason` names the rule for clients
    /// (`MAINTENANCE_OVERDUE`, `INCOMPATIBLE`, `ALREADY_ACTIVE`, `TRIAL_USED`…). Code `CONFLICT`.
    Refused {
        /// The rule, in `extensions.reason`.
        reason: &'static str,
        /// What to tell people.
        message: String,
    },
    /// Too many attempts.
    RateLimited {
        /// What was limited.
        message: String,
        /// When to try again.
        retry_after_seconds: u64,
    },
    /// A dependency is down; retrying later may work.
    Unavailable(String),
    /// A failure on our side; never shown to clients.
    Internal(Arc<anyhow::Error>),
}

impl ApiError {
    /// A failure on our side, logged when it is sent.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self::Internal(Arc::new(cause.into()))
    }

    /// An invalid argument.
    pub fn bad_input(field: &'static str, message: impl Into<String>) -> Self {
        Self::BadInput { field: Some(field), message: message.into() }
    }

    /// The stable code for `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => code::UNAUTHENTICATED,
            Self::Forbidden(_) => code::FORBIDDEN,
            Self::NotFound(_) => code::NOT_FOUND,
            Self::BadInput { .. } => code::BAD_USER_INPUT,
            Self::Conflict(_) | Self::Refused { .. } => code::CONFLICT,
            Self::RateLimited { .. } => code::RATE_LIMITED,
            Self::Unavailable(_) => code::UNAVAILABLE,
            Self::Internal(_) => code::INTERNAL,
        }
    }

    /// The message shown to the client.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated(message)
            | Self::Forbidden(message)
            | Self::Conflict(message)
            | Self::Unavailable(message)
            | Self::BadInput { message, .. }
            | Self::Refused { message, .. }
            | Self::RateLimited { message, .. } => message.clone(),
            Self::NotFound(what) => format!("{what} not found"),
            Self::Internal(_) => "internal error".to_owned(),
        }
    }

    /// The error as GraphQL sends it: message and `extensions`. Internal causes are logged here and
    /// replaced by a generic message.
    pub fn into_graphql(self) -> async_graphql::Error {
        if let Self::Internal(cause) = &self {
            tracing::error!(error = ?cause, "internal error");
        }
        let code = self.code();
        let message = self.message();
        let field = match &self {
            Self::BadInput { field, .. } => *field,
            _ => None,
        };
        let retry_after = match &self {
            Self::RateLimited { retry_after_seconds, .. } => Some(*retry_after_seconds),
            _ => None,
        };
        let retryable = matches!(self, Self::Unavailable(_) | Self::RateLimited { .. });
        let reason = match &self {
            Self::Refused { reason, .. } => Some(*reason),
            _ => None,
        };
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = field {
                ext.set("field", field);
            }
            if let Some(seconds) = retry_after {
                ext.set("retryAfterSeconds", seconds);
            }
            if retryable {
                ext.set("retryable", true);
            }
            if let Some(reason) = reason {
                ext.set("reason", reason);
            }
        })
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        Self::internal(err)
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        err.into_graphql()
    }
}

/// Result of a service call.
pub type ApiResult<T> = Result<T, ApiError>;

/// Turns unique-constraint violations into a client error where the statement runs.
pub trait OnConstraint<T> {
    /// A unique violation becomes `CONFLICT` with `message`; other errors stay as they are.
    fn on_unique_violation(self, message: &str) -> ApiResult<T>;
}

impl<T> OnConstraint<T> for Result<T, DbErr> {
    fn on_unique_violation(self, message: &str) -> ApiResult<T> {
        self.map_err(|err| match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => ApiError::Conflict(message.to_owned()),
            _ => ApiError::from(err),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(err: ApiError) -> String {
        let err = err.into_graphql();
        let extensions = err.extensions.expect("extensions");
        match extensions.get("code") {
            Some(async_graphql::Value::String(code)) => code.clone(),
            other => panic!("no code: {other:?}"),
        }
    }

    #[test]
    fn every_variant_maps_to_its_code() {
        assert_eq!(code_of(ApiError::Unauthenticated("x".into())), "UNAUTHENTICATED");
        assert_eq!(code_of(ApiError::Forbidden("x".into())), "FORBIDDEN");
        assert_eq!(code_of(ApiError::NotFound("vehicle")), "NOT_FOUND");
        assert_eq!(code_of(ApiError::bad_input("vin", "x")), "BAD_USER_INPUT");
        assert_eq!(code_of(ApiError::Conflict("x".into())), "CONFLICT");
        assert_eq!(code_of(ApiError::RateLimited { message: "x".into(), retry_after_seconds: 3 }), "RATE_LIMITED");
        assert_eq!(code_of(ApiError::Unavailable("x".into())), "UNAVAILABLE");
        assert_eq!(code_of(ApiError::internal(anyhow::anyhow!("db down"))), "INTERNAL");
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let err = ApiError::internal(anyhow::anyhow!("password=hunter2 connection refused")).into_graphql();
        assert_eq!(err.message, "internal error");
    }

    #[test]
    fn bad_input_names_the_field() {
        let err = ApiError::bad_input("vin", "a VIN has 17 characters").into_graphql();
        let ext = err.extensions.expect("extensions");
        assert_eq!(ext.get("field"), Some(&async_graphql::Value::from("vin")));
        assert_eq!(err.message, "a VIN has 17 characters");
    }

    #[test]
    fn database_errors_are_internal() {
        let err: ApiError = DbErr::Custom("boom".into()).into();
        assert_eq!(err.code(), "INTERNAL");
    }
}
