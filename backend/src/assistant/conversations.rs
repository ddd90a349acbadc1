//! A person's conversations with the assistant — theirs alone —, and the questions a workshop was
//! asked, without who asked.

use entity::{assistant_conversations, assistant_turns};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::app::App;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::policy;

/// One of `viewer`'s own conversations; another person's is as absent as one that never was.
pub async fn own_conversation(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<assistant_conversations::Model> {
    let conversation = assistant_conversations::Entity::find_by_id(id).one(&app.db).await?;
    // Another person's conversation is as absent as one that never was.
    conversation
        .filter(|conversation| policy::assistant_conversation(viewer, conversation.user_id))
        .ok_or(ApiError::NotFound("conversation"))
}

/// A turn the viewer may follow: one of their own conversations'.
pub async fn own_turn(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<assistant_turns::Model> {
    let turn = assistant_turns::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("answer"))?;
    own_conversation(app, viewer, turn.conversation_id).await?;
    Ok(turn)
}

/// The signed-in person's conversations, latest first, with their turns in order.
pub async fn my_conversations(
    app: &App,
    viewer: &Viewer,
) -> ApiResult<Vec<(assistant_conversations::Model, Vec<assistant_turns::Model>)>> {
    let user = viewer.user()?;
    let conversations = assistant_conversations::Entity::find()
        .filter(assistant_conversations::Column::UserId.eq(user.id))
        .order_by_desc(assistant_conversations::Column::UpdatedAt)
        .all(&app.db)
        .await?;
    let turns = assistant_turns::Entity::find()
        .filter(assistant_turns::Column::ConversationId.is_in(conversations.iter().map(|c| c.id)))
        .order_by_asc(assistant_turns::Column::AskedAt)
        .all(&app.db)
        .await?;
    Ok(conversations
        .into_iter()
        .map(|conversation| {
            let theirs = turns.iter().filter(|turn| turn.conversation_id == conversation.id).cloned().collect();
            (conversation, theirs)
        })
        .collect())
}

/// Deletes one of the signed-in person's conversations with its turns.
pub async fn delete_conversation(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<()> {
    let conversation = own_conversation(app, viewer, id).await?;
    assistant_conversations::Entity::delete_by_id(conversation.id).exec(&app.db).await?;
    Ok(())
}

/// The questions asked of a workshop's assistant, without who asked and with anything that could
/// name them (VINs, e-mail addresses, phone numbers) masked: unanswered first, then latest first.
pub async fn questions_asked(
    app: &App,
    viewer: &Viewer,
    workshop_id: Uuid,
    first: u64,
) -> ApiResult<Vec<assistant_turns::Model>> {
    if !policy::assistant_questions(viewer, workshop_id) {
        return Err(ApiError::Forbidden("only the workshop's staff see the questions asked of it".into()));
    }
    let turns = assistant_turns::Entity::find()
        .filter(assistant_turns::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(assistant_turns::Column::Answered)
        .order_by_desc(assistant_turns::Column::AskedAt)
        .paginate(&app.db, first)
        .fetch_page(0)
        .await?;
    Ok(turns)
}

/// `text` with VINs, e-mail addresses and phone numbers (a run of number groups with 7 digits or
/// more) replaced by a mark.
pub fn anonymised(text: &str) -> String {
    let words: Vec<&str> = text.split_inclusive(char::is_whitespace).collect();
    let bare = |word: &str| -> String {
        word.trim_end().trim_matches(|c: char| matches!(c, ',' | '.' | '?' | '!' | ';' | ':')).to_owned()
    };
    let digits = |word: &str| word.chars().filter(char::is_ascii_digit).count();
    let phone_part = |word: &str| {
        let bare = bare(word);
        digits(&bare) > 0 && bare.chars().all(|c| c.is_ascii_digit() || "+-/()".contains(c))
    };
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < words.len() {
        let run = words[index..].iter().take_while(|word| phone_part(word)).count();
        if run > 0 && words[index..index + run].iter().map(|word| digits(word)).sum::<usize>() >= 7 {
            let last = words[index + run - 1];
            out.push_str(&last.replacen(&bare(last), "[…]", 1));
            index += run;
            continue;
        }
        let word = words[index];
        let core = bare(word);
        let vin = core.len() == 17 && core.chars().all(|c| c.is_ascii_alphanumeric()) && digits(&core) > 0;
        let email = core.contains('@') && core.contains('.');
        out.push_str(&if vin || email { word.replacen(&core, "[…]", 1) } else { word.to_owned() });
        index += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_lose_what_could_name_who_asked() {
        assert_eq!(
            anonymised("Is WCAAS000000000042 due? Mail anna@example.org or call +49 170 1234567."),
            "Is […] due? Mail […] or call […]."
        );
        assert_eq!(anonymised("Was kostet die Inspektion?"), "Was kostet die Inspektion?");
        assert_eq!(anonymised("P0301 after 2024, at 15000 km"), "P0301 after 2024, at 15000 km");
    }
}
