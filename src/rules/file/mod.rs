//! Rules about files as files: size, encoding, type, links, templating.

pub mod binary;
pub mod helm_chart;
pub mod invalid_utf8;
pub mod outside_repo;
pub mod symlink_loop;
pub mod templated;
pub mod too_large;
pub mod unreadable;
