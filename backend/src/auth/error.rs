//! Authentication failures.

use crate::error::ApiError;

/// Why a caller could not be authenticated.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown identifier or wrong password; deliberately the same message for both.
    #[error("the e-mail/VIN or the password is wrong")]
    InvalidCredentials,
    /// The password is right but an administrator has disabled the account.
    #[error("this account has been disabled; ask your administrator")]
    AccountDisabled,
    /// The access token has expired.
    #[error("the access token has expired; refresh it or sign in again")]
    TokenExpired,
    /// The access token is malformed, forged or signed with another algorithm.
    #[error("the access token is not valid")]
    TokenInvalid,
    /// The token is genuine, but its user no longer exists or its session was ended (signed out,
    /// password changed, account erased).
    #[error("this session has ended; sign in again")]
    SessionEnded,
    /// The refresh token is unknown, expired or revoked.
    #[error("the refresh token is not valid; sign in again")]
    RefreshInvalid,
    /// An already-rotated refresh token was presented: its whole session is revoked.
    #[error("this refresh token was already used; the session has been revoked, sign in again")]
    RefreshReused,
    /// A password link is unknown, used, replaced by a newer one, or expired.
    #[error("this link is not valid any more; ask for a new one")]
    LinkInvalid,
    /// The current password given to change it is wrong.
    #[error("the current password is wrong")]
    WrongPassword,
    /// The API key is unknown, revoked or malformed.
    #[error("the API key is not valid")]
    ApiKeyInvalid,
    /// Too many failed logins.
    #[error("too many failed sign-in attempts; try again in {retry_after_seconds} s")]
    Locked {
        /// Seconds until the next attempt is allowed.
        retry_after_seconds: u64,
    },
    /// The identifier is neither an e-mail address nor a VIN.
    #[error("enter an e-mail address or a 17-character VIN")]
    BadIdentifier,
    /// The new password does not meet the rules.
    #[error("{0}")]
    WeakPassword(&'static str),
    /// A database failure.
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Any other failure on our side.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Locked { retry_after_seconds } => {
                ApiError::RateLimited { message: err.to_string(), retry_after_seconds }
            }
            AuthError::BadIdentifier => ApiError::bad_input("identifier", err.to_string()),
            AuthError::WeakPassword(_) => ApiError::bad_input("password", err.to_string()),
            // Not UNAUTHENTICATED: the caller's session is fine, and clients sign out on that code.
            AuthError::WrongPassword => ApiError::bad_input("currentPassword", err.to_string()),
            AuthError::Database(db) => ApiError::from(db),
            AuthError::Internal(cause) => ApiError::internal(cause),
            other => ApiError::Unauthenticated(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_to_api_codes() {
        assert_eq!(ApiError::from(AuthError::InvalidCredentials).code(), "UNAUTHENTICATED");
        assert_eq!(ApiError::from(AuthError::RefreshReused).code(), "UNAUTHENTICATED");
        assert_eq!(ApiError::from(AuthError::Locked { retry_after_seconds: 9 }).code(), "RATE_LIMITED");
        assert_eq!(ApiError::from(AuthError::BadIdentifier).code(), "BAD_USER_INPUT");
        assert_eq!(ApiError::from(AuthError::WeakPassword("short")).code(), "BAD_USER_INPUT");
        assert_eq!(ApiError::from(AuthError::WrongPassword).code(), "BAD_USER_INPUT");
        assert_eq!(ApiError::from(AuthError::LinkInvalid).code(), "UNAUTHENTICATED");
    }
}
