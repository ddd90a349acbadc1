//! The assistant: answers a customer's or a workshop's question from the FAQ and the car's own data —
//! by retrieval (BM25) without a model, or through an OpenAI-compatible model when one is configured —
//! with its sources cited, its cost counted against a monthly cap, and its conversations kept for
//! their owner.

pub mod answering;
pub mod budget;
pub mod car_facts;
pub mod compose;
pub mod conversations;
pub mod evaluation;
pub mod faq;
pub mod faq_seed;
pub mod graphql;
pub mod prompt;
pub mod retrieval;
pub mod service;
