//! The FAQ the assistant answers from: the platform's, edited by admins, and each workshop's, edited
//! by its staff — entries checked, stored, listed, seeded, and turned into passages.

use chrono::{DateTime, Utc};
use entity::{faq_entries, workshops};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Set,
};
use uuid::Uuid;

use super::faq_seed;
use super::retrieval::{Passage, Source};
use crate::app::App;
use crate::auth::Viewer;
use crate::domain::locale::Locale;
use crate::error::{ApiError, ApiResult};
use crate::policy;

/// The most tags an entry has, and the longest.
const MAX_TAGS: usize = 12;
const MAX_TAG_CHARS: usize = 40;

/// What an FAQ entry says, as written by its editor.
pub struct FaqText {
    /// The question, 3 to 300 characters.
    pub question: String,
    /// The answer, 1 to 4,000 characters.
    pub answer: String,
    /// Up to 12 short words that help find it.
    pub tags: Vec<String>,
}

/// The FAQ entries of the platform (`workshop_id` `None`) or of a workshop, in `language` or all.
pub async fn entries(
    app: &App,
    workshop_id: Option<Uuid>,
    language: Option<&str>,
) -> ApiResult<Vec<faq_entries::Model>> {
    let mut select = faq_entries::Entity::find().filter(match workshop_id {
        Some(id) => faq_entries::Column::WorkshopId.eq(id),
        None => faq_entries::Column::WorkshopId.is_null(),
    });
    if let Some(language) = language {
        select = select.filter(faq_entries::Column::Language.eq(parse_language(language)?.tag()));
    }
    let rows = select.order_by_asc(faq_entries::Column::Language).order_by_asc(faq_entries::Column::CreatedAt);
    Ok(rows.all(&app.db).await?)
}

/// Adds an entry to the platform's FAQ (admins) or a workshop's (its staff, admins).
pub async fn create(
    app: &App,
    viewer: &Viewer,
    workshop_id: Option<Uuid>,
    language: &str,
    text: FaqText,
) -> ApiResult<faq_entries::Model> {
    may_edit(app, viewer, workshop_id).await?;
    let language = parse_language(language)?;
    let text = checked(text)?;
    let now = app.clock.now();
    let entry = faq_entries::ActiveModel {
        id: Set(Uuid::now_v7()),
        workshop_id: Set(workshop_id),
        language: Set(language.tag().to_owned()),
        question: Set(text.question),
        answer: Set(text.answer),
        tags: Set(tags_json(&text.tags)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(entry.insert(&app.db).await?)
}

/// Rewrites an entry (whoever may edit its FAQ).
pub async fn update(app: &App, viewer: &Viewer, id: Uuid, text: FaqText) -> ApiResult<faq_entries::Model> {
    let entry = editable(app, viewer, id).await?;
    let text = checked(text)?;
    let mut entry: faq_entries::ActiveModel = entry.into();
    entry.question = Set(text.question);
    entry.answer = Set(text.answer);
    entry.tags = Set(tags_json(&text.tags));
    entry.updated_at = Set(app.clock.now());
    Ok(entry.update(&app.db).await?)
}

/// Deletes an entry (whoever may edit its FAQ).
pub async fn delete(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<()> {
    let entry = editable(app, viewer, id).await?;
    faq_entries::Entity::delete_by_id(entry.id).exec(&app.db).await?;
    Ok(())
}

async fn editable(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<faq_entries::Model> {
    let entry = faq_entries::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("FAQ entry"))?;
    may_edit(app, viewer, entry.workshop_id).await?;
    Ok(entry)
}

async fn may_edit(app: &App, viewer: &Viewer, workshop_id: Option<Uuid>) -> ApiResult<()> {
    if !policy::edit_faq(viewer, workshop_id) {
        return Err(ApiError::Forbidden("this FAQ is edited by its own staff".into()));
    }
    if let Some(id) = workshop_id {
        workshops::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("workshop"))?;
    }
    Ok(())
}

/// The language of an FAQ entry or a filter: `en`, `de` or `es`.
pub fn parse_language(tag: &str) -> ApiResult<Locale> {
    Locale::from_tag(tag)
        .filter(|locale| locale.tag() == tag.trim().to_ascii_lowercase())
        .ok_or_else(|| ApiError::bad_input("language", "use en, de or es"))
}

fn checked(text: FaqText) -> ApiResult<FaqText> {
    let question = text.question.trim().to_owned();
    let answer = text.answer.trim().to_owned();
    if !(3..=300).contains(&question.chars().count()) {
        return Err(ApiError::bad_input("question", "write 3 to 300 characters"));
    }
    if !(1..=4000).contains(&answer.chars().count()) {
        return Err(ApiError::bad_input("answer", "write 1 to 4000 characters"));
    }
    let mut tags: Vec<String> =
        text.tags.iter().map(|tag| tag.trim().to_lowercase()).filter(|tag| !tag.is_empty()).collect();
    tags.dedup();
    if tags.len() > MAX_TAGS || tags.iter().any(|tag| tag.chars().count() > MAX_TAG_CHARS) {
        return Err(ApiError::bad_input("tags", "give at most 12 tags of up to 40 characters"));
    }
    Ok(FaqText { question, answer, tags })
}

fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".into())
}

/// An entry's tags.
pub fn tags_of(entry: &faq_entries::Model) -> Vec<String> {
    serde_json::from_str(&entry.tags).unwrap_or_default()
}

/// The FAQ passages for a question in `locale`: the platform's and, when one is asked, the
/// workshop's.
pub async fn faq_passages(
    db: &impl ConnectionTrait,
    workshop_id: Option<Uuid>,
    locale: Locale,
) -> ApiResult<Vec<Passage>> {
    let mut whose = Condition::any().add(faq_entries::Column::WorkshopId.is_null());
    if let Some(id) = workshop_id {
        whose = whose.add(faq_entries::Column::WorkshopId.eq(id));
    }
    let rows = faq_entries::Entity::find()
        .filter(whose)
        .filter(faq_entries::Column::Language.eq(locale.tag()))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|entry| Passage {
            source: Source::Faq { id: entry.id },
            tags: tags_of(&entry),
            title: entry.question,
            text: entry.answer,
        })
        .collect())
}

/// Stores the platform's FAQ and each workshop's from the seed, once (an FAQ already there is kept).
pub async fn seed(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<usize, sea_orm::DbErr> {
    if faq_entries::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let mut stored = 0;
    let platform = faq_seed::platform_faq().into_iter().map(|entry| (None, entry));
    let workshops = workshops::Entity::find().all(db).await?;
    let theirs = workshops
        .iter()
        .flat_map(|workshop| faq_seed::workshop_faq().into_iter().map(|entry| (Some(workshop.id), entry)));
    for (workshop_id, entry) in platform.chain(theirs) {
        let tags: Vec<String> = entry.tags.iter().map(|tag| (*tag).to_owned()).collect();
        faq_entries::ActiveModel {
            id: Set(Uuid::now_v7()),
            workshop_id: Set(workshop_id),
            language: Set(entry.language.to_owned()),
            question: Set(entry.question.to_owned()),
            answer: Set(entry.answer.to_owned()),
            tags: Set(tags_json(&tags)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        stored += 1;
    }
    Ok(stored)
}
