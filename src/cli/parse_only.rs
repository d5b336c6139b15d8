//! `gitgate __parse-only`: the span-preserving parse alone, as the floor the load benchmark
//! compares the whole load stage against (bench/load.sh).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;

use crate::load::{lines::LineIndex, parse, LoadOptions};

pub fn run(jobs: Option<usize>, paths: &[PathBuf]) -> ExitCode {
    let mut texts: Vec<String> = Vec::new();
    for p in paths {
        for entry in ignore::WalkBuilder::new(p)
            .standard_filters(false)
            .build()
            .flatten()
        {
            let path = entry.path();
            let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
            if yaml && entry.file_type().is_some_and(|t| t.is_file()) {
                if let Ok(t) = std::fs::read_to_string(path) {
                    texts.push(t);
                }
            }
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let max_depth = LoadOptions::default().max_depth;
    let started = Instant::now();
    let documents: usize = crate::pipeline::thread_pool(jobs).install(|| {
        texts
            .par_iter()
            .map(|t| parse::parse(t, &LineIndex::new(t), max_depth).docs.len())
            .sum()
    });
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"files": texts.len(), "bytes": bytes, "documents": documents, "seconds": seconds})
    );
    ExitCode::SUCCESS
}
