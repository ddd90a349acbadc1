//! The CaaS web app: customers follow their car and buy features; dealers sell; support and admins
//! run the platform. Light, live, and usable offline.

mod api;
mod app;
mod components;
mod i18n;
mod pages;
mod route;
mod state;

fn main() {
    #[cfg(feature = "more")]
    pages::more::arrived();
    yew::Renderer::<app::App>::new().render();
}
