//! Sign-in, token refresh, sign-out, and turning presented credentials into a [`Viewer`].

use entity::{users, vehicles};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::{api_keys, refresh, throttle};
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::{AuthError, UserViewer, Viewer, password};
use crate::domain::{Email, Locale, Vin};

/// A signed-in session: what `login` and `refreshToken` return.
#[derive(Clone)]
pub struct Session {
    /// The JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The opaque token to get the next access token with.
    pub refresh_token: String,
    /// The signed-in user.
    pub user: users::Model,
}

/// How a person identifies themselves at sign-in.
enum Identifier {
    Email(Email),
    Vin(Vin),
}

impl Identifier {
    fn parse(input: &str) -> Result<Self, AuthError> {
        if input.contains('@') {
            Email::parse(input).map(Self::Email).map_err(|_| AuthError::BadIdentifier)
        } else {
            Vin::parse(input).map(Self::Vin).map_err(|_| AuthError::BadIdentifier)
        }
    }

    /// The normalised text, used to count failed attempts.
    fn key(&self) -> &str {
        match self {
            Self::Email(email) => email.as_str(),
            Self::Vin(vin) => vin.as_str(),
        }
    }
}

/// The viewer for a stored user.
pub fn viewer_of(user: &users::Model) -> UserViewer {
    UserViewer {
        id: user.id,
        role: user.role,
        dealership_id: user.dealership_id,
        workshop_id: user.workshop_id,
        locale: Locale::from_tag(&user.locale).unwrap_or_default(),
    }
}

async fn find_account(app: &App, identifier: &Identifier) -> Result<Option<users::Model>, AuthError> {
    let owner_id = match identifier {
        Identifier::Email(email) => {
            return Ok(users::Entity::find()
                .filter(users::Column::Email.eq(email.as_str()))
                .filter(users::Column::ErasedAt.is_null())
                .one(&app.db)
                .await?);
        }
        Identifier::Vin(vin) => vehicles::Entity::find()
            .filter(vehicles::Column::Vin.eq(vin.as_str()))
            .one(&app.db)
            .await?
            .and_then(|vehicle| vehicle.owner_id),
    };
    let Some(owner_id) = owner_id else {
        return Ok(None);
    };
    Ok(users::Entity::find_by_id(owner_id).filter(users::Column::ErasedAt.is_null()).one(&app.db).await?)
}

/// Signs in with an e-mail (or a VIN, meaning its owner) and a password.
#[tracing::instrument(skip_all)]
pub async fn login(app: &App, identifier: &str, password: &str, client_ip: &str) -> Result<Session, AuthError> {
    let identifier = Identifier::parse(identifier)?;
    throttle::admit_attempt(app, identifier.key(), client_ip).await?;
    let account = find_account(app, &identifier).await?;
    let stored_hash = account.as_ref().and_then(|user| user.password_hash.clone());
    let matches = password::verify(password.to_owned(), stored_hash).await?;
    let Some(user) = account.filter(|_| matches) else {
        throttle::forget_expired(app).await?;
        return Err(AuthError::InvalidCredentials);
    };
    throttle::clear(app, identifier.key()).await?;
    if user.disabled_at.is_some() {
        return Err(AuthError::AccountDisabled);
    }
    let session = start_session(app, user, Uuid::now_v7()).await?;
    let actor = Viewer::User(viewer_of(&session.user));
    audit::record(
        app,
        &app.db,
        &actor,
        "auth.login",
        Subject { kind: "user", id: &session.user.id.to_string() },
        json!({}),
    )
    .await?;
    Ok(session)
}

/// Exchanges a refresh token for a new access token and the next refresh token.
pub async fn refresh(app: &App, refresh_token: &str) -> Result<Session, AuthError> {
    let rotated = refresh::rotate(app, refresh_token).await?;
    let user = users::Entity::find_by_id(rotated.user_id)
        .filter(users::Column::ErasedAt.is_null())
        .filter(users::Column::DisabledAt.is_null())
        .one(&app.db)
        .await?
        .ok_or(AuthError::RefreshInvalid)?;
    let access_token = app.access_tokens.issue(&viewer_of(&user), rotated.family_id, app.clock.now())?;
    Ok(Session { access_token, expires_in: app.access_tokens.ttl_seconds(), refresh_token: rotated.next, user })
}

/// Ends the session of `refresh_token`; the access token lapses at its expiry.
pub async fn logout(app: &App, refresh_token: &str) -> Result<bool, AuthError> {
    refresh::revoke(app, refresh_token).await
}

/// Starts a session (a new refresh-token family) for `user`.
pub async fn start_session(app: &App, user: users::Model, family_id: Uuid) -> Result<Session, AuthError> {
    let access_token = app.access_tokens.issue(&viewer_of(&user), family_id, app.clock.now())?;
    let refresh_token = refresh::issue(app, user.id, family_id).await?;
    Ok(Session { access_token, expires_in: app.access_tokens.ttl_seconds(), refresh_token, user })
}

/// The user a bearer token proves, as the database describes them now: the token must be genuine,
/// its user must still exist and its session must not have ended (checked at most every few seconds
/// per session, see [`SessionCache`](crate::auth::session_cache::SessionCache)).
pub async fn user_of_token(app: &App, token: &str) -> Result<UserViewer, AuthError> {
    let now = app.clock.now();
    let verified = app.access_tokens.verify(token, now)?;
    let known = match app.sessions.get(verified.session_id, now) {
        Some(known) => known,
        None => {
            let found = live_user(app, verified.user.id, verified.session_id).await?;
            app.sessions.put(verified.session_id, found.clone(), now);
            found
        }
    };
    known.filter(|user| user.id == verified.user.id).ok_or(AuthError::SessionEnded)
}

async fn live_user(app: &App, user_id: Uuid, session_id: Uuid) -> Result<Option<UserViewer>, AuthError> {
    let user = users::Entity::find_by_id(user_id)
        .filter(users::Column::ErasedAt.is_null())
        .filter(users::Column::DisabledAt.is_null())
        .one(&app.db)
        .await?;
    let Some(user) = user else { return Ok(None) };
    Ok(refresh::is_live(app, user_id, session_id).await?.then(|| viewer_of(&user)))
}

/// Credentials as presented with a request.
#[derive(Debug, Default)]
pub struct Credentials {
    /// The bearer token of the `Authorization` header.
    pub bearer: Option<String>,
    /// The `X-Api-Key` header.
    pub api_key: Option<String>,
}

/// The viewer the credentials prove; no credentials make an anonymous viewer, bad ones an error.
pub async fn authenticate(app: &App, credentials: &Credentials) -> Result<Viewer, AuthError> {
    if let Some(token) = &credentials.bearer {
        return Ok(Viewer::User(user_of_token(app, token).await?));
    }
    if let Some(key) = &credentials.api_key {
        return api_keys::authenticate(app, key).await;
    }
    Ok(Viewer::Anonymous)
}

/// Forgets the cached sessions of users whose sessions ended on any instance (an account disabled
/// or erased), so that their next request here is refused too; runs until `stop`.
pub async fn forget_ended_sessions(app: crate::app::AppState, stop: tokio_util::sync::CancellationToken) {
    use futures::StreamExt;
    let mut events = app.events.subscribe();
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            event = events.next() => match event {
                Some(crate::platform::events::DomainEvent::SessionsEnded { user_id }) => app.sessions.forget_user(user_id),
                Some(_) => {}
                None => break,
            },
        }
    }
}
