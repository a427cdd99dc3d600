//! Chợ OCOP server library: everything but process start-up, so tests build the very same app.

pub mod app;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod media;
pub mod search;
pub mod sheet;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod view;
pub mod web;

pub use config::Settings;
pub use startup::Application;
