//! The model's answer to a turn: streamed to its watchers as events on the bus, then stored with
//! its tokens and cost (added to the payer's month); on failure, timeout or an empty answer the
//! retrieval answer stored with the turn becomes final.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{AssistantAnswerMode, AssistantTurnStatus, assistant_spend, assistant_turns};
use futures::StreamExt;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use uuid::Uuid;

use super::service::CitedSource;
use crate::app::{App, AppState};
use crate::error::ApiResult;
use crate::integrations::llm::{ChatEvent, ChatRequest, LlmError, Usage};
use crate::platform::events::DomainEvent;

/// The month a cost is counted in: `YYYY-MM`, UTC.
pub fn month_of(at: DateTime<Utc>) -> String {
    at.format("%Y-%m").to_string()
}

/// Streams the model's answer to `turn`'s watchers and stores it; on failure, timeout or an empty
/// answer the retrieval answer stored with the turn becomes final (the asker sees no error).
pub async fn stream_answer(
    app: AppState,
    turn: assistant_turns::Model,
    request: ChatRequest,
    given: Vec<CitedSource>,
    payer: String,
) {
    let limit = Duration::from_millis(app.config.llm_answer_timeout_ms);
    let streamed = tokio::time::timeout(limit, model_answer(&app, turn.id, &request)).await;
    let outcome = match streamed {
        Ok(Ok((answer, usage))) if !answer.trim().is_empty() => Some((answer, usage)),
        Ok(Ok(_)) => None,
        Ok(Err(error)) => {
            tracing::warn!(turn = %turn.id, %error, "the model did not answer; the retrieval answer stands");
            None
        }
        Err(_) => {
            tracing::warn!(turn = %turn.id, "the model's answer took too long; the retrieval answer stands");
            None
        }
    };
    let finished = match outcome {
        Some((answer, usage)) => finish_with_model(&app, turn, answer, usage, &given, &payer).await,
        None => finish_with_retrieval(&app, turn).await,
    };
    match finished {
        Ok(turn) => {
            app.events
                .publish(DomainEvent::AssistantAnswered {
                    turn_id: turn.id,
                    delta: String::new(),
                    answer: turn.answer.clone(),
                    done: true,
                })
                .await
        }
        Err(error) => tracing::error!(?error, "an assistant's answer could not be stored"),
    }
}

/// The model's answer, each piece published as it comes.
async fn model_answer(app: &App, turn_id: Uuid, request: &ChatRequest) -> Result<(String, Usage), LlmError> {
    let Some(model) = app.integrations.llm.clone() else {
        return Err(LlmError::Unavailable("no model".into()));
    };
    let mut stream = model.stream(request).await?;
    let (mut answer, mut usage) = (String::new(), Usage::default());
    while let Some(event) = stream.next().await {
        match event? {
            ChatEvent::Delta(delta) => {
                answer.push_str(&delta);
                let event = DomainEvent::AssistantAnswered { turn_id, delta, answer: answer.clone(), done: false };
                app.events.publish(event).await;
            }
            ChatEvent::Usage(counted) => usage = counted,
        }
    }
    Ok((answer, usage))
}

/// What `usage` costs at the configured prices, in millionths of the currency unit (rounded up).
pub fn cost_micros(app: &App, usage: Usage) -> i64 {
    let price = |tokens: u32, per_1k: i64| (i64::from(tokens) * per_1k + 999) / 1000;
    price(usage.prompt_tokens, app.config.llm_price_input_micros_per_1k)
        + price(usage.completion_tokens, app.config.llm_price_output_micros_per_1k)
}

async fn finish_with_model(
    app: &App,
    turn: assistant_turns::Model,
    answer: String,
    usage: Usage,
    given: &[CitedSource],
    payer: &str,
) -> ApiResult<assistant_turns::Model> {
    let cost = cost_micros(app, usage);
    // The sources the model cited by their markers; all it was given when it cited none.
    let marked: Vec<CitedSource> = given
        .iter()
        .enumerate()
        .filter(|(index, _)| answer.contains(&format!("[S{}]", index + 1)))
        .map(|(_, source)| source.clone())
        .collect();
    let sources = if marked.is_empty() { given.to_vec() } else { marked };
    let now = app.clock.now();
    add_spend(app, payer, usage, cost, now).await?;
    let model = app.integrations.llm.as_ref().map(|model| model.model().to_owned());
    let mut turn: assistant_turns::ActiveModel = turn.into();
    turn.answer = Set(answer);
    turn.status = Set(AssistantTurnStatus::Done);
    turn.mode = Set(AssistantAnswerMode::Model);
    turn.sources = Set(serde_json::to_string(&sources).unwrap_or_else(|_| "[]".into()));
    turn.model = Set(model);
    turn.prompt_tokens = Set(i32::try_from(usage.prompt_tokens).unwrap_or(i32::MAX));
    turn.completion_tokens = Set(i32::try_from(usage.completion_tokens).unwrap_or(i32::MAX));
    turn.cost_micros = Set(cost);
    turn.answered_at = Set(Some(now));
    Ok(turn.update(&app.db).await?)
}

async fn finish_with_retrieval(app: &App, turn: assistant_turns::Model) -> ApiResult<assistant_turns::Model> {
    let mut turn: assistant_turns::ActiveModel = turn.into();
    turn.status = Set(AssistantTurnStatus::Done);
    turn.answered_at = Set(Some(app.clock.now()));
    Ok(turn.update(&app.db).await?)
}

/// Adds a model's answer to its payer's month, in one statement (two instances add without losing
/// either's).
async fn add_spend(app: &App, payer: &str, usage: Usage, cost: i64, now: DateTime<Utc>) -> ApiResult<()> {
    let row = assistant_spend::ActiveModel {
        payer: Set(payer.to_owned()),
        month: Set(month_of(now)),
        prompt_tokens: Set(i64::from(usage.prompt_tokens)),
        completion_tokens: Set(i64::from(usage.completion_tokens)),
        cost_micros: Set(cost),
        updated_at: Set(now),
    };
    let add = |column: &str| Expr::cust(format!("assistant_spend.{column} + excluded.{column}"));
    let on_conflict = OnConflict::columns([assistant_spend::Column::Payer, assistant_spend::Column::Month])
        .value(assistant_spend::Column::PromptTokens, add("prompt_tokens"))
        .value(assistant_spend::Column::CompletionTokens, add("completion_tokens"))
        .value(assistant_spend::Column::CostMicros, add("cost_micros"))
        .update_column(assistant_spend::Column::UpdatedAt)
        .to_owned();
    assistant_spend::Entity::insert(row).on_conflict(on_conflict).exec_without_returning(&app.db).await?;
    Ok(())
}

/// A turn still `ANSWERING` this long after it was asked was left by an instance that stopped: its
/// retrieval answer is final.
pub fn abandoned(app: &App, turn: &assistant_turns::Model) -> bool {
    let grace = i64::try_from(app.config.llm_answer_timeout_ms).unwrap_or(i64::MAX).saturating_add(10_000);
    turn.status == AssistantTurnStatus::Answering
        && app.clock.now() - turn.asked_at > chrono::Duration::milliseconds(grace)
}
