//! Chợ OCOP seed data loaders, used by the `seed` binary and by the tests.

pub mod real;
pub mod synthetic;
