//! The assistant in GraphQL: `askAssistant`, the live `assistantAnswer(turnId)`, the asker's
//! conversations, the FAQ and the questions a workshop was asked.

use async_graphql::{Context, Enum, ID, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::{AssistantAnswerMode, AssistantTurnStatus, Role, assistant_conversations, assistant_turns, faq_entries};
use futures::stream::{Stream, StreamExt};

use super::budget::{self, Budget};
use super::faq::{self, FaqText};
use super::service::{self, CitedSource, Question};
use super::{answering, conversations};
use crate::app::AppState;
use crate::auth::{Allow, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, parse_id, viewer};
use crate::platform::events::{DomainEvent, Topic};

/// Where a source of an answer comes from.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssistantSourceKind {
    /// An FAQ entry (the platform's or the workshop's).
    Faq,
    /// The asker's car's own data.
    CarData,
}

/// Help the assistant offers with an answer.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssistantOffer {
    /// Book the car into a workshop.
    BookService,
    /// Contact the workshop.
    ContactWorkshop,
}

/// A source an answer rests on.
pub struct AssistantSource(CitedSource);

/// A source an answer rests on.
#[Object]
impl AssistantSource {
    /// FAQ or CAR_DATA.
    async fn kind(&self) -> AssistantSourceKind {
        if self.0.faq_entry_id.is_some() { AssistantSourceKind::Faq } else { AssistantSourceKind::CarData }
    }

    /// The FAQ entry, when the source is one.
    async fn faq_entry_id(&self) -> Option<ID> {
        self.0.faq_entry_id.map(|id| ID(id.to_string()))
    }

    /// Its heading: the FAQ entry's question, or what of the car it is about.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What of it the answer rests on.
    async fn quote(&self) -> &str {
        &self.0.quote
    }
}

/// A question asked of the assistant and its answer.
pub struct AssistantTurn(pub assistant_turns::Model);

/// A question asked of the assistant and its answer.
#[Object]
impl AssistantTurn {
    /// Stable id: follow its answer with `assistantAnswer(turnId)`.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The conversation it belongs to: pass it to `askAssistant` to go on.
    async fn conversation_id(&self) -> ID {
        ID(self.0.conversation_id.to_string())
    }

    /// What was asked.
    async fn question(&self) -> &str {
        &self.0.question
    }

    /// The answer: final when `status` is DONE; while ANSWERING, the answer from the FAQ that stands
    /// if the model does not finish.
    async fn answer(&self) -> &str {
        &self.0.answer
    }

    /// ANSWERING while the model writes; DONE.
    async fn status(&self) -> AssistantTurnStatus {
        self.0.status
    }

    /// RETRIEVAL (quoted from what was found), MODEL (written by the language model) or DECLINED
    /// (nothing relevant was found).
    async fn mode(&self) -> AssistantAnswerMode {
        self.0.mode
    }

    /// Something the asker is told about the answer, in their language (e.g. that the model's
    /// monthly budget is used up).
    async fn notice(&self) -> Option<&str> {
        self.0.notice.as_deref()
    }

    /// The sources it cites, in order.
    async fn sources(&self) -> Vec<AssistantSource> {
        service::sources_of(&self.0).into_iter().map(AssistantSource).collect()
    }

    /// Help offered with it.
    async fn offers(&self) -> Vec<AssistantOffer> {
        self.0
            .offers
            .split(',')
            .filter_map(|name| match name {
                "BOOK_SERVICE" => Some(AssistantOffer::BookService),
                "CONTACT_WORKSHOP" => Some(AssistantOffer::ContactWorkshop),
                _ => None,
            })
            .collect()
    }

    /// When it was asked.
    async fn asked_at(&self) -> DateTime<Utc> {
        self.0.asked_at
    }
}

/// A conversation with the assistant.
pub struct AssistantConversation(assistant_conversations::Model, Vec<assistant_turns::Model>);

/// A conversation with the assistant.
#[Object]
impl AssistantConversation {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The car it is about.
    async fn vin(&self) -> Option<&str> {
        self.0.vin.as_deref()
    }

    /// The workshop whose FAQ answers too.
    async fn workshop_id(&self) -> Option<ID> {
        self.0.workshop_id.map(|id| ID(id.to_string()))
    }

    /// When it began.
    async fn started_at(&self) -> DateTime<Utc> {
        self.0.started_at
    }

    /// Its questions and answers, in order.
    async fn turns(&self) -> Vec<AssistantTurn> {
        self.1.iter().cloned().map(AssistantTurn).collect()
    }
}

/// A piece of an answer as the model writes it.
#[derive(SimpleObject)]
pub struct AssistantAnswerChunk {
    /// The turn.
    turn_id: ID,
    /// What was added.
    delta: String,
    /// The answer so far (the final one when `done`).
    answer: String,
    /// Whether the answer is final.
    done: bool,
    /// The turn as it ended, on the last chunk.
    turn: Option<AssistantTurn>,
}

impl AssistantAnswerChunk {
    fn last(turn: assistant_turns::Model) -> Self {
        Self {
            turn_id: ID(turn.id.to_string()),
            delta: String::new(),
            answer: turn.answer.clone(),
            done: true,
            turn: Some(AssistantTurn(turn)),
        }
    }
}

/// A question and its answer in the FAQ.
pub struct FaqEntry(faq_entries::Model);

/// A question and its answer in the FAQ.
#[Object]
impl FaqEntry {
    /// Stable id (what an answer cites).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The workshop whose entry it is; none: the platform's.
    async fn workshop_id(&self) -> Option<ID> {
        self.0.workshop_id.map(|id| ID(id.to_string()))
    }

    /// `en`, `de` or `es`.
    async fn language(&self) -> &str {
        &self.0.language
    }

    /// The question.
    async fn question(&self) -> &str {
        &self.0.question
    }

    /// The answer.
    async fn answer(&self) -> &str {
        &self.0.answer
    }

    /// Words that help find it.
    async fn tags(&self) -> Vec<String> {
        faq::tags_of(&self.0)
    }

    /// When it was last written.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A question asked of a workshop's assistant, without who asked.
pub struct AskedQuestion(assistant_turns::Model);

/// A question asked of a workshop's assistant, without who asked.
#[Object]
impl AskedQuestion {
    /// The question, with VINs, e-mail addresses and phone numbers masked.
    async fn question(&self) -> String {
        conversations::anonymised(&self.0.question)
    }

    /// The language it was asked in.
    async fn language(&self) -> &str {
        &self.0.language
    }

    /// When.
    async fn asked_at(&self) -> DateTime<Utc> {
        self.0.asked_at
    }

    /// Whether the assistant found an answer (the FAQ may need one when not).
    async fn answered(&self) -> bool {
        self.0.answered
    }

    /// How it was answered.
    async fn mode(&self) -> AssistantAnswerMode {
        self.0.mode
    }
}

/// What a workshop's assistant model may cost a month, and what it cost this month.
pub struct AssistantBudget(Budget);

/// What a workshop's assistant model may cost a month, and what it cost this month.
#[Object]
impl AssistantBudget {
    /// The month, `YYYY-MM` (UTC).
    async fn month(&self) -> &str {
        &self.0.month
    }

    /// The monthly cap, in minor units (cents) of the platform's currency: past it, answers come
    /// from retrieval alone.
    async fn cap_minor(&self) -> i64 {
        self.0.cap_minor
    }

    /// Whether the cap is the workshop's own (else the platform's default).
    async fn own_cap(&self) -> bool {
        self.0.own_cap
    }

    /// Spent this month, in minor units, rounded up.
    async fn spent_minor(&self) -> i64 {
        (self.0.spent_micros + 9_999) / 10_000
    }

    /// Tokens sent to the model this month.
    async fn prompt_tokens(&self) -> i64 {
        self.0.prompt_tokens
    }

    /// Tokens the model wrote this month.
    async fn completion_tokens(&self) -> i64 {
        self.0.completion_tokens
    }

    /// Whether the cap is reached.
    async fn used_up(&self) -> bool {
        self.0.used_up()
    }
}

fn optional_id(id: Option<&ID>, field: &'static str) -> ApiResult<Option<uuid::Uuid>> {
    id.map(|id| parse_id(id, field)).transpose()
}

/// The assistant's queries.
#[derive(Default)]
pub struct AssistantQuery;

#[Object]
impl AssistantQuery {
    /// What a workshop's assistant model may cost a month and cost this month (its staff, support,
    /// admins).
    #[graphql(guard = "Allow::users(&[Role::Workshop, Role::Support, Role::Admin])")]
    async fn assistant_budget(&self, ctx: &Context<'_>, workshop_id: ID) -> ApiResult<AssistantBudget> {
        let workshop_id = parse_id(&workshop_id, "workshopId")?;
        budget::of_workshop(app(ctx), viewer(ctx), workshop_id).await.map(AssistantBudget)
    }

    /// The signed-in person's conversations with the assistant, latest first.
    #[graphql(guard = "Allow::any_user()")]
    async fn my_assistant_conversations(&self, ctx: &Context<'_>) -> ApiResult<Vec<AssistantConversation>> {
        let conversations = conversations::my_conversations(app(ctx), viewer(ctx)).await?;
        Ok(conversations.into_iter().map(|(conversation, turns)| AssistantConversation(conversation, turns)).collect())
    }

    /// The FAQ: the platform's (no `workshopId`) or a workshop's, in one language (`en`, `de`, `es`)
    /// or all.
    #[graphql(guard = "Allow::any_user()")]
    async fn faq_entries(
        &self,
        ctx: &Context<'_>,
        workshop_id: Option<ID>,
        language: Option<String>,
    ) -> ApiResult<Vec<FaqEntry>> {
        let workshop_id = optional_id(workshop_id.as_ref(), "workshopId")?;
        let rows = faq::entries(app(ctx), workshop_id, language.as_deref()).await?;
        Ok(rows.into_iter().map(FaqEntry).collect())
    }

    /// The questions asked of a workshop's assistant (its staff, support, admins), without who
    /// asked: unanswered first, then latest first; `first` up to 200 (50).
    #[graphql(guard = "Allow::users(&[Role::Workshop, Role::Support, Role::Admin])")]
    async fn assistant_questions(
        &self,
        ctx: &Context<'_>,
        workshop_id: ID,
        first: Option<i32>,
    ) -> ApiResult<Vec<AskedQuestion>> {
        let first = first.unwrap_or(50);
        if !(1..=200).contains(&first) {
            return Err(ApiError::bad_input("first", "ask for 1 to 200"));
        }
        let workshop_id = parse_id(&workshop_id, "workshopId")?;
        let rows =
            conversations::questions_asked(app(ctx), viewer(ctx), workshop_id, first.unsigned_abs().into()).await?;
        Ok(rows.into_iter().map(AskedQuestion).collect())
    }
}

/// Asking the assistant, and editing its FAQ.
#[derive(Default)]
pub struct AssistantMutation;

#[Object]
impl AssistantMutation {
    /// Asks the assistant, about a car (`vin`, one the asker may read) and with a workshop's FAQ
    /// (`workshopId`) when given, in the conversation `conversationId` (a new one when not given).
    /// Answered at once from the FAQ and the car's data — or, with a language model, ANSWERING:
    /// follow it with `assistantAnswer`. `RATE_LIMITED` past the questions allowed per minute.
    #[graphql(guard = "Allow::any_user()")]
    async fn ask_assistant(
        &self,
        ctx: &Context<'_>,
        question: String,
        vin: Option<String>,
        workshop_id: Option<ID>,
        conversation_id: Option<ID>,
    ) -> ApiResult<AssistantTurn> {
        let question = Question {
            text: question,
            vin,
            workshop_id: optional_id(workshop_id.as_ref(), "workshopId")?,
            conversation_id: optional_id(conversation_id.as_ref(), "conversationId")?,
        };
        let app = ctx.data_unchecked::<AppState>();
        service::ask(app, viewer(ctx), question).await.map(AssistantTurn)
    }

    /// Deletes one of the signed-in person's conversations with the assistant.
    #[graphql(guard = "Allow::any_user()")]
    async fn delete_assistant_conversation(&self, ctx: &Context<'_>, id: ID) -> ApiResult<bool> {
        conversations::delete_conversation(app(ctx), viewer(ctx), parse_id(&id, "id")?).await?;
        Ok(true)
    }

    /// Adds an FAQ entry: to a workshop's FAQ (its staff, admins) or, without `workshopId`, to the
    /// platform's (admins).
    #[graphql(guard = "Allow::users(&[Role::Workshop, Role::Admin])")]
    async fn create_faq_entry(
        &self,
        ctx: &Context<'_>,
        workshop_id: Option<ID>,
        language: String,
        question: String,
        answer: String,
        tags: Vec<String>,
    ) -> ApiResult<FaqEntry> {
        let workshop_id = optional_id(workshop_id.as_ref(), "workshopId")?;
        let text = FaqText { question, answer, tags };
        faq::create(app(ctx), viewer(ctx), workshop_id, &language, text).await.map(FaqEntry)
    }

    /// Rewrites an FAQ entry (whoever may edit its FAQ).
    #[graphql(guard = "Allow::users(&[Role::Workshop, Role::Admin])")]
    async fn update_faq_entry(
        &self,
        ctx: &Context<'_>,
        id: ID,
        question: String,
        answer: String,
        tags: Vec<String>,
    ) -> ApiResult<FaqEntry> {
        let text = FaqText { question, answer, tags };
        faq::update(app(ctx), viewer(ctx), parse_id(&id, "id")?, text).await.map(FaqEntry)
    }

    /// Gives a workshop its own monthly cap for the assistant's model, in minor units (0 to
    /// 100,000,000); none: the platform's default again (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn set_assistant_monthly_cap(
        &self,
        ctx: &Context<'_>,
        workshop_id: ID,
        cap_minor: Option<i64>,
    ) -> ApiResult<AssistantBudget> {
        let workshop_id = parse_id(&workshop_id, "workshopId")?;
        budget::set_cap(app(ctx), viewer(ctx), workshop_id, cap_minor).await.map(AssistantBudget)
    }

    /// Deletes an FAQ entry (whoever may edit its FAQ).
    #[graphql(guard = "Allow::users(&[Role::Workshop, Role::Admin])")]
    async fn delete_faq_entry(&self, ctx: &Context<'_>, id: ID) -> ApiResult<bool> {
        faq::delete(app(ctx), viewer(ctx), parse_id(&id, "id")?).await?;
        Ok(true)
    }
}

/// The assistant's answers as they are written.
#[derive(Default)]
pub struct AssistantSubscription;

#[Subscription]
impl AssistantSubscription {
    /// An answer as the model writes it, piece by piece, ending with `done` and the turn (its asker
    /// only). An answer already final comes as one last chunk.
    #[graphql(guard = "Allow::any_user()")]
    async fn assistant_answer(
        &self,
        ctx: &Context<'_>,
        turn_id: ID,
    ) -> Result<impl Stream<Item = AssistantAnswerChunk> + use<>, ApiError> {
        let id = parse_id(&turn_id, "turnId")?;
        let app: AppState = ctx.data_unchecked::<AppState>().clone();
        // Subscribed before the turn is read: no piece between the two is missed.
        let events = app.events.subscribe_topic(Topic::AssistantTurn(id));
        let turn = conversations::own_turn(&app, Viewer::of(ctx), id).await?;
        if turn.status == AssistantTurnStatus::Done || answering::abandoned(&app, &turn) {
            return Ok(futures::stream::once(async move { AssistantAnswerChunk::last(turn) }).boxed());
        }
        let app_for_limit = app.clone();
        let pieces = events.filter_map(move |(_, event)| {
            let app = app.clone();
            async move {
                let DomainEvent::AssistantAnswered { turn_id, delta, answer, done } = event else {
                    return None;
                };
                if !done {
                    return Some(AssistantAnswerChunk {
                        turn_id: ID(turn_id.to_string()),
                        delta,
                        answer,
                        done,
                        turn: None,
                    });
                }
                // The final turn as stored, with its sources, mode and cost recorded.
                let turn = entity::assistant_turns::Entity::find_by_id(turn_id).one(&app.db).await.ok().flatten()?;
                Some(AssistantAnswerChunk::last(turn))
            }
        });
        // An instance that stopped mid-answer never sends the last piece: past the answer's time
        // limit the stored turn (its retrieval answer) ends the stream.
        let limit = std::time::Duration::from_millis(app_for_limit.config.llm_answer_timeout_ms)
            + std::time::Duration::from_secs(10);
        let stalled = futures::stream::once(async move {
            tokio::time::sleep(limit).await;
            let turn = entity::assistant_turns::Entity::find_by_id(id).one(&app_for_limit.db).await.ok().flatten();
            turn.map(AssistantAnswerChunk::last)
        })
        .filter_map(std::future::ready);
        let pieces = futures::stream::select(pieces.boxed(), stalled.boxed());
        Ok(futures::stream::unfold((pieces, false), |(mut pieces, over)| async move {
            if over {
                return None;
            }
            let chunk = pieces.next().await?;
            let over = chunk.done;
            Some((chunk, (pieces, over)))
        })
        .boxed())
    }
}

use sea_orm::EntityTrait as _;
