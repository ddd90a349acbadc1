//! An OpenAI-compatible chat model (`/v1/chat/completions`, streamed as server-sent events): the
//! assistant's optional model, with a simulator speaking the same API.
